import type { NewProduct } from '../domain/product.js';

/** What `npm start` puts into an empty catalog, so the README walkthrough has something to buy. */
export const DEMO_CATALOG: NewProduct[] = [
  { sku: 'TEE-CLASSIC-BLK-M', name: 'Classic Cotton T-Shirt, Black, M', description: '100% organic cotton, regular fit.', priceCents: 1999, currency: 'USD', stock: 120 },
  { sku: 'HOODIE-ZIP-GRY-L', name: 'Zip Hoodie, Heather Grey, L', description: 'Brushed fleece lining, metal zipper.', priceCents: 5499, currency: 'USD', stock: 60 },
  { sku: 'JEANS-SLIM-IND-32', name: 'Slim Jeans, Indigo, 32/32', description: 'Stretch denim with a slim leg.', priceCents: 6900, currency: 'USD', stock: 45 },
  { sku: 'SNEAKER-RUN-WHT-42', name: 'Running Sneakers, White, EU 42', description: 'Lightweight mesh upper, cushioned sole.', priceCents: 8999, currency: 'USD', stock: 30 },
  { sku: 'MUG-CERAMIC-12OZ', name: 'Ceramic Mug, 12 oz', description: 'Dishwasher and microwave safe.', priceCents: 1299, currency: 'USD', stock: 200 },
  { sku: 'BOTTLE-STEEL-750', name: 'Insulated Steel Bottle, 750 ml', description: 'Keeps drinks cold for 24 h, hot for 12 h.', priceCents: 2999, currency: 'USD', stock: 150 },
  { sku: 'BACKPACK-DAY-20L', name: 'Daypack, 20 L', description: 'Water-resistant, padded laptop sleeve.', priceCents: 7499, currency: 'USD', stock: 40 },
  { sku: 'HEADPHONES-BT-NC', name: 'Wireless Noise-Cancelling Headphones', description: 'Bluetooth 5.3, 30-hour battery.', priceCents: 19900, currency: 'USD', stock: 25 },
  { sku: 'KEYBOARD-MECH-TKL', name: 'Mechanical Keyboard, Tenkeyless', description: 'Hot-swappable switches, USB-C.', priceCents: 11900, currency: 'USD', stock: 35 },
  { sku: 'NOTEBOOK-A5-DOT', name: 'Dotted Notebook, A5', description: '160 pages of 100 gsm paper.', priceCents: 1499, currency: 'USD', stock: 300 },
  { sku: 'COFFEE-BEANS-1KG', name: 'Whole Coffee Beans, 1 kg', description: 'Medium roast, single origin Colombia.', priceCents: 2499, currency: 'USD', stock: 80 },
  { sku: 'YOGA-MAT-6MM', name: 'Yoga Mat, 6 mm', description: 'Non-slip natural rubber.', priceCents: 3999, currency: 'USD', stock: 50 },
];
