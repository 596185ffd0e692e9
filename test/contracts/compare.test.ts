import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compareModule, passes } from '../../tools/contracts/compare.js';
import { moduleSnapshots } from '../../tools/contracts/snapshot.js';
import { defineContract, type ContractVersion, type OperationManifest } from '../../src/platform/kernel/contract.js';
import { defineErrors, type ErrorVocabulary } from '../../src/platform/kernel/errors.js';
import { defineEvent, upcastFrom, type EventDefinition } from '../../src/platform/kernel/event.js';
import { defineModule } from '../../src/platform/kernel/module.js';

/** The codes a fixture contract may declare. */
const ERRORS = defineErrors({ out_of_stock: 409 }, ['not_found', 'invalid_state']);

/** A fixture module's snapshot, as contracts:check builds it from the code. */
function snapshot(
  version: ContractVersion,
  operations: OperationManifest,
  errors: (keyof typeof ERRORS)[],
  events: EventDefinition[],
) {
  const vocabulary: ErrorVocabulary = Object.fromEntries(errors.map((code) => [code, ERRORS[code]]));
  const contract = defineContract('catalog', version, Symbol('fixture'), operations, vocabulary);
  const definition = defineModule({
    name: 'catalog',
    contract,
    requires: [],
    migrations: [],
    routes: [],
    publishes: events,
    subscriptions: [],
    register: () => undefined,
  });
  return moduleSnapshots([definition])[0];
}

const byOrder = z.object({ orderId: z.string() });
const state = z.object({ orderId: z.string(), status: z.enum(['held', 'released']) });
const operations = {
  reserve: { input: byOrder, output: state, idempotent: true },
  release: { input: byOrder, output: state, idempotent: true },
};
const depleted = z.object({ productId: z.string() });
const STOCK_DEPLETED = defineEvent('stock.depleted', 1, depleted);
const base = snapshot('1.0', operations, ['out_of_stock', 'not_found'], [STOCK_DEPLETED]);

describe('contracts:check on a module', () => {
  it('passes, and says nothing changed, when the code matches the snapshot', () => {
    const verdict = compareModule(base, snapshot('1.0', operations, ['out_of_stock', 'not_found'], [STOCK_DEPLETED]));
    expect(verdict).toMatchObject({ breaks: [], changed: false });
  });

  it('fails on a removed operation', () => {
    const { release: _gone, ...rest } = operations;
    const verdict = compareModule(base, snapshot('1.0', rest, ['out_of_stock', 'not_found'], [STOCK_DEPLETED]));
    expect(verdict.breaks).toEqual(['catalog release: operation removed']);
    expect(passes(verdict)).toBe(false);
  });

  it('fails on a removed error code', () => {
    const verdict = compareModule(base, snapshot('1.0', operations, ['out_of_stock'], [STOCK_DEPLETED]));
    expect(verdict.breaks).toEqual([
      'catalog: error code not_found removed (callers that act on it would never see it again)',
    ]);
  });

  it('fails on an operation no longer idempotent', () => {
    const changed = { ...operations, release: { ...operations.release, idempotent: false } };
    const verdict = compareModule(base, snapshot('1.0', changed, ['out_of_stock', 'not_found'], [STOCK_DEPLETED]));
    expect(verdict.breaks).toEqual(['catalog release: no longer idempotent (callers built against it retry it)']);
  });

  it('fails on a removed event', () => {
    const verdict = compareModule(base, snapshot('1.0', operations, ['out_of_stock', 'not_found'], []));
    expect(verdict.breaks).toEqual(['catalog event stock.depleted: removed']);
  });

  it('fails on an event payload changed without a new event version, naming the field', () => {
    const changed = defineEvent('stock.depleted', 1, depleted.extend({ sku: z.string() }));
    const verdict = compareModule(base, snapshot('1.0', operations, ['out_of_stock', 'not_found'], [changed]));
    expect(verdict.breaks).toEqual([
      'catalog event stock.depleted 1: payload changed without a new event version (sku added)',
    ]);
  });

  it('passes a new event version with an upcaster from the old one, and fails when the old one is dropped', () => {
    const v2 = z.object({ productId: z.string(), sku: z.string() });
    const upcast = upcastFrom(STOCK_DEPLETED, (old) => ({ ...old, sku: 'unknown' }));
    const withV2 = snapshot(
      '1.1',
      operations,
      ['out_of_stock', 'not_found'],
      [defineEvent('stock.depleted', 2, v2, upcast)],
    );
    expect(compareModule(base, withV2)).toMatchObject({ breaks: [], changed: true });
    const onlyV2 = snapshot('1.1', operations, ['out_of_stock', 'not_found'], [defineEvent('stock.depleted', 2, v2)]);
    expect(compareModule(base, onlyV2).breaks).toEqual([
      'catalog event stock.depleted 1: no longer readable (declare its upcaster again)',
    ]);
  });

  it('passes new operations, events, error codes, optional input and output fields', () => {
    const grown = {
      reserve: { input: byOrder.extend({ note: z.string().optional() }), output: state, idempotent: true },
      release: { input: byOrder, output: state.extend({ releasedAt: z.string() }), idempotent: true },
      commit: { input: byOrder, output: state, idempotent: true },
    };
    const events = [STOCK_DEPLETED, defineEvent('stock.restocked', 1, depleted)];
    const verdict = compareModule(base, snapshot('1.1', grown, ['out_of_stock', 'not_found', 'invalid_state'], events));
    expect(verdict).toMatchObject({ breaks: [], changed: true });
    expect(passes(verdict)).toBe(true);
  });

  it('passes an incompatible change once the major is raised, still listing it', () => {
    const changed = { ...operations, reserve: { ...operations.reserve, input: byOrder.extend({ unit: z.string() }) } };
    const verdict = compareModule(base, snapshot('2.0', changed, ['out_of_stock', 'not_found'], [STOCK_DEPLETED]));
    expect(verdict).toMatchObject({ breaks: ['catalog reserve input: unit new required field'], majorRaised: true });
    expect(passes(verdict)).toBe(true);
  });

  it('fails on a version that went back', () => {
    const newer = snapshot('1.3', operations, ['out_of_stock', 'not_found'], [STOCK_DEPLETED]);
    expect(compareModule(newer, base).breaks).toEqual(['catalog: version went back from 1.3 to 1.0']);
  });
});
