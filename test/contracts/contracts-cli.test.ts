import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyTree, type Edit, type TreeCopy } from '../support/tree-copy.js';

const CONTRACT = 'src/modules/catalog/contract/catalog.contract.ts';
const SKU: Edit = { file: CONTRACT, from: '  sku: z.string(),\n', to: '' };
const UNIT: Edit = {
  file: CONTRACT,
  from: 'quantity: z.number().int().min(1) })',
  to: 'quantity: z.number().int().min(1), unit: z.string() })',
};
const OPTIONAL_OUTPUT: Edit = {
  file: CONTRACT,
  from: '  stock: z.number().int().nonnegative(),\n',
  to: '  stock: z.number().int().nonnegative(),\n  available: z.boolean().optional(),\n',
};
const MAJOR: Edit = { file: CONTRACT, from: "defineContract('catalog', '1.0'", to: "defineContract('catalog', '2.0'" };

/** `npm run contracts:check` and `contracts:update` on a copy of this tree with the catalog contract changed. */
describe('contracts:check on the catalog contract', () => {
  let tree: TreeCopy;
  const check = () => tree.run('tools/contracts/cli.ts', ['check']);
  beforeAll(() => {
    tree = copyTree('contracts');
  });
  afterEach(() => tree.revert());
  afterAll(() => tree?.remove());

  it('passes the tree as committed', async () => {
    const { code, stdout } = await check();
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ catalog 1\.0: unchanged/);
    expect(stdout).not.toContain('✗');
  }, 60_000);

  it("fails when a field is deleted from catalog's product snapshot, naming operation and field", async () => {
    tree.apply([SKU]);
    const { code, stdout, stderr } = await check();
    expect(code).toBe(1);
    expect(stdout).toContain('✗ catalog 1.0: incompatible without a major bump');
    expect(stdout).toContain('- catalog getProducts output: products[].sku removed');
    expect(stderr).toContain('raise the major');
  }, 60_000);

  it('fails when a required field is added to a reservation line', async () => {
    tree.apply([UNIT]);
    const { code, stdout } = await check();
    expect(code).toBe(1);
    expect(stdout).toContain('- catalog reserve input: lines[].unit new required field');
  }, 60_000);

  it('passes an optional output field, saying the snapshot can be updated; update rewrites it', async () => {
    tree.apply([OPTIONAL_OUTPUT]);
    const first = await check();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('~ catalog 1.0: compatible changes');
    expect(first.stdout).toContain('the snapshots can be updated: npm run contracts:update');
    expect((await tree.run('tools/contracts/cli.ts', ['update'])).code).toBe(0);
    expect((await check()).stdout).toContain('✓ catalog 1.0: unchanged');
  }, 90_000);

  it('passes the deleted field with a major bump, still listing it', async () => {
    tree.apply([SKU, MAJOR]);
    const { code, stdout } = await check();
    expect(code).toBe(0);
    expect(stdout).toContain('! catalog 1.0 → 2.0: incompatible changes allowed by the major bump');
    expect(stdout).toContain('- catalog getProducts output: products[].sku removed');
  }, 60_000);

  it('refuses to update the snapshot over an incompatible change without a major bump', async () => {
    tree.apply([SKU]);
    expect((await tree.run('tools/contracts/cli.ts', ['update'])).code).toBe(1);
    expect((await check()).code).toBe(1);
  }, 60_000);
});
