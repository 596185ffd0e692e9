import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestShop, type TestShop } from '../support/shop.js';

const run = promisify(execFile);
const TOOL = path.resolve('tools/catalog-import.mjs');

/** `npm run catalog:import` against a shop in this process: the exit status and what it printed. */
async function importFile(shop: TestShop, file: string, env: Record<string, string> = {}) {
  const options = { env: { ...process.env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env } };
  try {
    const { stdout, stderr } = await run(process.execPath, [TOOL, file, '--url', shop.url], options);
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run catalog:import', () => {
  let shop: TestShop;
  const dir = mkdtempSync(path.join(tmpdir(), 'catalog-import-'));
  const skus = async () => {
    const page = await shop.request('GET', '/api/v1/products?limit=100');
    return (page.body.items as { sku: string }[]).map((item) => item.sku);
  };

  beforeAll(async () => {
    shop = await startTestShop();
  });
  afterAll(async () => {
    await shop?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a CSV file, reports each bad row by line and goes on, and skips what is there on a second run', async () => {
    const csv = path.join(dir, 'catalog.csv');
    const good = Array.from({ length: 2500 }, (_, i) => `CSV-${i},"Item ${i}, boxed",,${100 + i},USD,${i % 7}`);
    good[10] = 'CSV-10,Item 10,,-5,USD,1'; // line 12: a negative price
    good[2000] = 'CSV-2000,Item 2000,,12.5,USD,1'; // line 2002: not whole cents
    good[2400] = 'CSV-7,Item again,,100,USD,1'; // line 2402: repeats the sku of line 9, in another batch
    writeFileSync(
      csv,
      ['sku,name,description,priceCents,currency,stock', ...good, 'CSV-X,"unclosed,1,USD,1'].join('\n'),
    );

    const first = await importFile(shop, csv);
    expect(first.stderr).toMatch(/^line 12: priceCents: /m);
    expect(first.stderr).toMatch(/^line 2002: priceCents: /m);
    expect(first.stderr).toMatch(/^line 2502: Quote Not Closed/m);
    expect(first.stderr).toMatch(/^progress: 100% 2501 rows/m);
    expect(first.stdout).toContain('2501 rows, 2497 created, 1 skipped (sku already there), 3 bad');
    expect(first.status).toBe(1);
    expect(await skus()).toContain('CSV-0');

    const second = await importFile(shop, csv);
    expect(second.stdout).toContain('2501 rows, 0 created, 2498 skipped (sku already there), 3 bad');
    const found = async (q: string) =>
      (await shop.request('GET', `/api/v1/products?q=${q}&limit=100`)).body.items.map(
        (item: { sku: string }) => item.sku,
      );
    expect(await found('csv-249')).toEqual(['CSV-249', ...Array.from({ length: 10 }, (_, i) => `CSV-249${i}`)]);
    // Line 2402 repeated CSV-7 (skipped), so CSV-2400 was never in the file.
    expect(await found('csv-2400')).toEqual([]);
  }, 120_000);

  it('loads JSON Lines, naming unreadable lines and repeated skus', async () => {
    const file = path.join(dir, 'catalog.jsonl');
    const product = (sku: string) => JSON.stringify({ sku, name: sku, priceCents: 1, currency: 'EUR', stock: 2 });
    writeFileSync(
      file,
      [product('J-1'), '{"sku":', '', product('J-2'), '[1]', product('J-1'), product('J-3')].join('\n'),
    );
    const result = await importFile(shop, file);
    expect(result.stderr).toMatch(/^line 2: not JSON/m);
    expect(result.stderr).toMatch(/^line 5: not a JSON object/m);
    expect(result.stderr).toMatch(/^line 6: sku J-1 repeats line 1/m);
    expect(result.stdout).toContain('6 rows, 3 created, 0 skipped (sku already there), 3 bad');
    const listed = await shop.request('GET', '/api/v1/products?q=j&limit=100');
    expect(listed.body.items.map((item: { sku: string }) => item.sku)).toEqual(['J-1', 'J-2', 'J-3']);
  });

  it('says what is wrong when it cannot run', async () => {
    const file = path.join(dir, 'wrong.csv');
    writeFileSync(file, 'sku,title\nA,B\n');
    const header = await importFile(shop, file);
    expect(header.status).toBe(2);
    expect(header.stderr).toContain('missing: name, priceCents, currency, stock');
    const login = await importFile(shop, file, { ADMIN_PASSWORD: 'wrong-password' });
    expect(login.status).toBe(2);
    expect(login.stderr).toContain(`cannot log in as ${ADMIN.email}: 401`);
  });
});
