import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_ARROWS } from '../.dependency-cruiser.js';

/**
 * The architecture rules (DESIGN.md "Rules") are only worth something if they can fail, so the real
 * .dependency-cruiser.js is run over a fixture tree that breaks each rule on purpose, and must
 * report exactly those breaks; then over the real src/, which must be clean.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/architecture');
const CRUISE_TIMEOUT_MS = 60_000;

async function cruiseSrc(baseDir: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.js'));
  const tsConfigFile = path.join(ROOT, 'tsconfig.json');
  const result = await cruise(
    ['src'],
    { ...options, baseDir, tsConfig: { fileName: tsConfigFile } },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  return result.output as ICruiseResult;
}

/** `rule: from -> to`, with packages shortened to `npm:<name>` wherever node_modules sits. */
const describeViolation = (v: IViolation) =>
  `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, 'npm:$1')}`;

const A = 'src/modules/a';
const B = 'src/modules/b';

/** Every break planted in the fixture, and nothing else. */
const EXPECTED = {
  crossModuleInternal: `module-only-through-contract: ${A}/application/leaks-internal.ts -> ${B}/domain/b-rules.ts`,
  typeOnlyLeak: `module-only-through-contract: ${A}/application/leaks-type.ts -> ${B}/infrastructure/b.repository.ts`,
  contractInternal: `contract-no-internals: ${A}/contract/a.api.ts -> ${A}/domain/pricing.ts`,
  platformToModule: `platform-not-to-modules: src/platform/kernel/leaks-module.ts -> ${B}/contract/b.api.ts`,
  kernelToAdapter: `kernel-imports-no-platform-folder: src/platform/kernel/reaches-adapter.ts -> src/platform/http/create-app.ts`,
  adapterOffItsArrows: `platform-layer-db: src/platform/db/reaches-http.ts -> src/platform/http/create-app.ts`,
  looseFile: `platform-files-live-in-a-layer: src/platform/loose-file.ts -> src/platform/http/create-app.ts`,
  undeclaredFolder: `platform-folder-is-declared: src/platform/http/reaches-undeclared.ts -> src/platform/misc/helper.ts`,
  undeclaredFromHttp: `platform-layer-http: src/platform/http/reaches-undeclared.ts -> src/platform/misc/helper.ts`,
  moduleToWiring: `modules-use-kernel-and-adapters: ${A}/infrastructure/reaches-wiring.ts -> src/platform/rpc/contract-client.ts`,
  domainKnex: `domain-no-frameworks: ${A}/domain/uses-knex.ts -> npm:knex`,
  knexOutsidePersistence: `knex-only-in-persistence: ${A}/domain/uses-knex.ts -> npm:knex`,
  expressOutsideHttp: `express-only-in-http: ${A}/application/uses-express.ts -> npm:express`,
  httpBelowEdge: `http-only-at-the-edge: ${A}/application/renders-http.ts -> src/platform/http/create-app.ts`,
  indexOutsideMain: `only-main-imports-module-index: ${A}/http/imports-index.ts -> ${A}/index.ts`,
  cycle: `no-circular: ${A}/domain/cycle-left.ts -> ${A}/domain/cycle-right.ts`,
  orphan: `no-orphans: ${A}/application/forgotten.ts -> ${A}/application/forgotten.ts`,
  unresolvable: `not-to-unresolvable: ${A}/application/unresolvable.ts -> ./missing.js`,
};

describe('architecture rules, fed a fixture that breaks them', () => {
  let fixture: ICruiseResult;
  let reported: string[];

  beforeAll(async () => {
    fixture = await cruiseSrc(FIXTURE);
    reported = fixture.summary.violations.map(describeViolation);
  }, CRUISE_TIMEOUT_MS);

  const dependency = (from: string, to: string) =>
    fixture.modules.find((module) => module.source === from)?.dependencies.find((dep) => dep.resolved === to);

  it("reports a module importing another module's non-contract file", () => {
    expect(reported).toContain(EXPECTED.crossModuleInternal);
  });

  it("allows a module to import another module's contract", () => {
    const from = `${A}/application/place-order.handler.ts`;
    expect(dependency(from, `${B}/contract/b.api.ts`)).toBeDefined();
    expect(reported.filter((line) => line.includes(from))).toEqual([]);
  });

  it('reports an `import type` leak across modules (tsPreCompilationDeps)', () => {
    expect(reported).toContain(EXPECTED.typeOnlyLeak);
    const leak = dependency(`${A}/application/leaks-type.ts`, `${B}/infrastructure/b.repository.ts`);
    expect(leak?.dependencyTypes).toContain('type-only');
  });

  it("reports a contract importing its own module's internals", () => {
    expect(reported).toContain(EXPECTED.contractInternal);
  });

  it('reports the platform importing a module, even its contract', () => {
    expect(reported).toContain(EXPECTED.platformToModule);
  });

  it('reports the domain importing knex', () => {
    expect(reported).toContain(EXPECTED.domainKnex);
    expect(reported).toContain(EXPECTED.knexOutsidePersistence);
  });

  it('reports express outside http/', () => {
    expect(reported).toContain(EXPECTED.expressOutsideHttp);
  });

  it('reports application/ importing src/platform/http', () => {
    expect(reported).toContain(EXPECTED.httpBelowEdge);
  });

  it("reports a file other than src/main.ts importing a module's index.ts", () => {
    expect(reported).toContain(EXPECTED.indexOutsideMain);
  });

  it('reports the kernel importing an adapter, and an adapter importing off its declared arrows', () => {
    expect(reported).toContain(EXPECTED.kernelToAdapter);
    expect(reported).toContain(EXPECTED.adapterOffItsArrows);
  });

  it('reports a loose platform file and a platform folder with no place among the layers', () => {
    expect(reported).toContain(EXPECTED.looseFile);
    expect(reported).toContain(EXPECTED.undeclaredFolder);
    expect(reported).toContain(EXPECTED.undeclaredFromHttp);
  });

  it("reports a module importing the platform's wiring, and allows rpc to build on http", () => {
    expect(reported).toContain(EXPECTED.moduleToWiring);
    expect(dependency('src/platform/rpc/contract-client.ts', 'src/platform/http/create-app.ts')).toBeDefined();
    expect(reported.filter((line) => line.startsWith('platform-layer-rpc'))).toEqual([]);
  });

  it('reports a cycle', () => {
    expect(reported).toContain(EXPECTED.cycle);
  });

  it('reports an orphan and an unresolvable import', () => {
    expect(reported).toContain(EXPECTED.orphan);
    expect(reported).toContain(EXPECTED.unresolvable);
  });

  it('reports nothing else: main.ts wiring modules, knex in infrastructure and platform/db, express in http are legal', () => {
    expect([...reported].sort()).toEqual(Object.values(EXPECTED).sort());
    expect(fixture.summary.error).toBe(Object.keys(EXPECTED).length);
  });
});

describe('the platform layers as declared', () => {
  it('form no cycle, so no two platform folders can import each other, even through others', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const arrows = PLATFORM_ARROWS;
    const cycleFrom = (folder: string): string[] | undefined => {
      if (done.has(folder)) return undefined;
      if (visiting.has(folder)) return [folder];
      visiting.add(folder);
      for (const next of arrows[folder] ?? []) {
        const cycle = cycleFrom(next);
        if (cycle) return [folder, ...cycle];
      }
      visiting.delete(folder);
      done.add(folder);
      return undefined;
    };
    expect(Object.keys(arrows).map(cycleFrom).filter(Boolean)).toEqual([]);
    expect(
      Object.values(arrows)
        .flat()
        .every((folder) => folder in arrows),
    ).toBe(true);
  });
});

describe('the real source tree', () => {
  it(
    'breaks no architecture rule',
    async () => {
      const real = await cruiseSrc(ROOT);
      expect(real.summary.violations.map(describeViolation)).toEqual([]);
      expect(real.modules.some((module) => module.source === 'src/platform/kernel/config.ts')).toBe(true);
    },
    CRUISE_TIMEOUT_MS,
  );
});
