// npm run catalog:import -- <file.csv|file.jsonl> [--url http://localhost:3000]
//
// Loads a catalog file into a running shop through POST /api/v1/products/batch, as the admin named
// by ADMIN_EMAIL and ADMIN_PASSWORD. A CSV file has a header naming sku, name, priceCents, currency,
// stock (description optional); a JSON Lines file has one product object per line. Bad rows are
// reported with their line number and left out; the rest goes in. Skus already in the catalog are
// skipped and counted, so the same file can be imported again. Exit status: 0 when every row was
// created or skipped, 1 when some were bad, 2 when the import could not run.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importProgress } from './catalog-import/progress.mjs';
import { catalogRows } from './catalog-import/rows.mjs';
import { ShopClient } from './catalog-import/shop-client.mjs';
import { CatalogUploader } from './catalog-import/uploader.mjs';

async function main() {
  const { values, positionals } = parseArgs({
    options: { url: { type: 'string', default: process.env.SHOP_URL ?? 'http://localhost:3000' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error('usage: npm run catalog:import -- <file.csv|file.jsonl> [--url URL]');
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = process.env;
  if (!email || !password) throw new Error('set ADMIN_EMAIL and ADMIN_PASSWORD to an admin account of the shop');
  const [file] = positionals;
  const progress = importProgress(statSync(file).size);
  let bytes = 0;
  const client = new ShopClient(values.url, { email, password });
  await client.logIn();
  const uploader = new CatalogUploader(client, {
    onBadRow: (line, reason) => progress.log(`line ${line}: ${reason}`),
    onSent: () => progress.update({ ...uploader.counts, bytes }),
  });
  const started = Date.now();
  try {
    for await (const row of catalogRows(file, (read) => (bytes = read))) await uploader.add(row);
    await uploader.flush();
  } finally {
    progress.update({ ...uploader.counts, bytes }, true);
    progress.stop();
  }
  const { rows, created, skipped, bad } = uploader.counts;
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `imported ${file}: ${rows} rows, ${created} created, ${skipped} skipped (sku already there), ${bad} bad; ${seconds.toFixed(1)} s, ${Math.round(rows / Math.max(seconds, 0.001))} rows/s`,
  );
  return bad > 0 ? 1 : 0;
}

main().then(
  (status) => (process.exitCode = status),
  (error) => {
    console.error(`catalog import failed: ${error.message}`);
    process.exitCode = 2;
  },
);
