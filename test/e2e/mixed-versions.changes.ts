import type { Edit } from '../support/tree-copy.js';

// The changes the mixed-version test builds beside the current tree, applied to a copy of it.

const CONTRACT = 'src/modules/catalog/contract/catalog.contract.ts';
const SERVICE = 'src/modules/catalog/application/catalog-api.service.ts';

/**
 * catalog 1.1, a compatible change to contract and implementation: getProducts takes an optional
 * `inStockOnly` and each snapshot gains `available`, optional because callers built against 1.1
 * still meet 1.0 instances during the rollout.
 */
export const CATALOG_1_1: Edit[] = [
  { file: CONTRACT, from: "defineContract('catalog', '1.0'", to: "defineContract('catalog', '1.1'" },
  {
    file: CONTRACT,
    from: 'input: z.object({ ids: z.array(z.string().min(1)).min(1).max(100) }),',
    to: 'input: z.object({ ids: z.array(z.string().min(1)).min(1).max(100), inStockOnly: z.boolean().optional() }),',
  },
  {
    file: CONTRACT,
    from: '  stock: z.number().int().nonnegative(),\n',
    to: '  stock: z.number().int().nonnegative(),\n  available: z.boolean().optional(),\n',
  },
  {
    file: SERVICE,
    from: '    const { ids } = input;\n    return { products: await this.inventory.snapshots(ids) };',
    to:
      '    const { ids, inStockOnly } = input;\n' +
      '    const products = (await this.inventory.snapshots(ids)).map((p) => ({ ...p, available: p.stock > 0 }));\n' +
      '    return { products: inStockOnly ? products.filter((p) => p.available) : products };',
  },
];

/** catalog 2.0, an incompatible change (getProducts takes at most 50 ids, not 100) with its major bump. */
export const CATALOG_2_0: Edit[] = [
  { file: CONTRACT, from: "defineContract('catalog', '1.0'", to: "defineContract('catalog', '2.0'" },
  {
    file: CONTRACT,
    from: 'z.array(z.string().min(1)).min(1).max(100)',
    to: 'z.array(z.string().min(1)).min(1).max(50)',
  },
];
