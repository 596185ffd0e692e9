// A synthetic catalog for the scale benchmark: names from a vocabulary sized so that a word matches
// thousands of products in a million, and the searches of item 1 (one product, thousands, many, none).
const COLOURS =
  'red navy olive teal amber plum ivory coral slate sand rust mint jade ochre pearl indigo lilac moss fawn ruby sage onyx cream denim mauve peach smoke lemon cobalt berry'.split(
    ' ',
  );
const MATERIALS =
  'cotton linen wool silk leather canvas bamboo walnut oak ceramic porcelain glass copper brass steel felt velvet hemp cork marble rattan jute suede tweed cashmere'.split(
    ' ',
  );
const THINGS =
  'scarf mug lamp sock vase towel kettle notebook wallet pillow blanket apron basket bowl candle chair clock coaster cushion desk frame glove hat jacket jug ladle mirror napkin pan planter poster rug satchel shelf slipper spoon stool sweater table teapot throw tote tray tumbler umbrella whisk backpack beanie belt bookend bottle cardigan crate hoodie journal'.split(
    ' ',
  );

/** Product number `i`: deterministic, so every run and both databases load the same catalog. */
export function benchProduct(i) {
  const colour = COLOURS[i % COLOURS.length];
  const material = MATERIALS[Math.floor(i / 7) % MATERIALS.length];
  const thing = THINGS[Math.floor(i / 3) % THINGS.length];
  return {
    sku: `SKU-${String(i).padStart(7, '0')}`,
    name: `${colour} ${material} ${thing}, model ${(i * 7919) % 1_000_003}`,
    priceCents: 500 + (i % 20_000),
    currency: 'USD',
    stock: 10 + (i % 90),
  };
}

/** The searches whose latency is reported, by what they match in a catalog of `count` products. */
export function benchSearches(count) {
  const one = benchProduct(Math.floor(count * 0.61803));
  return {
    'one product (its sku)': [one.sku],
    'one product (sku digits)': [one.sku.slice(-6)],
    'thousands (a thing)': ['kettle', 'Teapot', 'satchel'],
    'hundreds (two words)': ['linen kettle', 'walnut tray'],
    'many (a colour)': ['indigo', 'Cobalt'],
    none: ['unobtainium', 'zqxv'],
    '1-2 characters': ['k', 'te'],
  };
}
