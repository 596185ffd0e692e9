// The yardstick: the same checkout SQL in one flat file on the same stack (express 5,
// better-sqlite3, jose, zod), with none of the architecture. The benchmark reports the shop's
// throughput as a ratio of this one, measured in the same run on the same machine.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export async function startFlatShop({ dataDir, port = 0 }) {
  const db = new Database(path.join(dataDir, 'flat.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS products (id TEXT PRIMARY KEY, sku TEXT UNIQUE, name TEXT, price_cents INTEGER, currency TEXT, stock INTEGER);
    CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, user_id TEXT, status TEXT, total_cents INTEGER, currency TEXT, items TEXT, payment_id TEXT, created_at TEXT);
    CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, order_id TEXT, idempotency_key TEXT UNIQUE, amount_cents INTEGER, status TEXT, created_at TEXT);
    CREATE TABLE IF NOT EXISTS idempotency (user_id TEXT, key TEXT, response TEXT, PRIMARY KEY (user_id, key));`);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const select = db.prepare('SELECT id, sku, name, price_cents, currency FROM products WHERE id = ?');
  const take = db.prepare('UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?');
  const insertOrder = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertPayment = db.prepare('INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?)');
  const claimKey = db.prepare('INSERT INTO idempotency (user_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const storeKey = db.prepare('UPDATE idempotency SET response = ? WHERE user_id = ? AND key = ?');
  const body = z.object({
    items: z
      .array(z.object({ productId: z.string(), quantity: z.number().int().min(1) }))
      .min(1)
      .max(50),
    paymentMethod: z.object({ token: z.string() }),
  });

  const checkout = db.transaction((userId, items, key) => {
    if (key && claimKey.run(userId, key).changes === 0) return { status: 409 };
    const lines = items.map(({ productId, quantity }) => ({ product: select.get(productId), quantity }));
    for (const { product, quantity } of lines) {
      if (!product || take.run(quantity, product.id, quantity).changes === 0)
        throw Object.assign(new Error('out of stock'), { status: 409 });
    }
    const orderId = randomUUID();
    const total = lines.reduce((sum, { product, quantity }) => sum + product.price_cents * quantity, 0);
    const paymentId = randomUUID();
    const now = new Date().toISOString();
    insertPayment.run(paymentId, orderId, `order:${orderId}`, total, 'captured', now);
    insertOrder.run(orderId, userId, 'confirmed', total, 'USD', JSON.stringify(lines), paymentId, now);
    const order = { id: orderId, userId, status: 'confirmed', totalCents: total, paymentId, createdAt: now };
    if (key) storeKey.run(JSON.stringify(order), userId, key);
    return { status: 201, order };
  });

  const app = express();
  app.use(express.json({ limit: 100_000 }));
  app.post('/api/v1/orders', async (req, res) => {
    try {
      const { payload } = await jwtVerify(req.header('authorization')?.slice(7) ?? '', publicKey, {
        algorithms: ['EdDSA'],
      });
      const parsed = body.parse(req.body);
      const result = checkout(payload.sub, parsed.items, req.header('idempotency-key'));
      res.status(result.status).json(result.order ?? {});
    } catch (error) {
      res.status(error.status ?? 400).json({ code: error.message });
    }
  });
  const server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seedProduct: (id, stock) =>
      db
        .prepare('INSERT INTO products VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, `SKU-${id}`, `Product ${id}`, 1999, 'USD', stock),
    token: (sub) =>
      new SignJWT({ role: 'customer' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(sub)
        .setExpirationTime('1h')
        .sign(privateKey),
    stock: () => db.prepare('SELECT COALESCE(SUM(stock), 0) AS s FROM products').get().s,
    confirmedUnits: () =>
      db
        .prepare('SELECT items FROM orders')
        .all()
        .reduce((sum, row) => sum + JSON.parse(row.items).reduce((s, l) => s + l.quantity, 0), 0),
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          db.close();
          resolve();
        }),
      ),
  };
}

// Run alone (as the benchmark does): seed, print {url, productIds, tokens} as one JSON line, serve until SIGTERM.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { FLAT_DATA_DIR, FLAT_PRODUCTS = '20', FLAT_USERS = '10', FLAT_STOCK = '1000000' } = process.env;
  const shop = await startFlatShop({ dataDir: FLAT_DATA_DIR });
  const productIds = Array.from({ length: Number(FLAT_PRODUCTS) }, () => randomUUID());
  for (const id of productIds) shop.seedProduct(id, Number(FLAT_STOCK));
  const tokens = await Promise.all(Array.from({ length: Number(FLAT_USERS) }, () => shop.token(randomUUID())));
  console.log(JSON.stringify({ url: shop.url, productIds, tokens }));
  process.on('SIGTERM', async () => {
    const report = { stock: shop.stock(), confirmedUnits: shop.confirmedUnits() };
    await shop.close();
    console.log(JSON.stringify(report));
    process.exit(0);
  });
}
