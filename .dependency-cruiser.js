/**
 * Architecture rules of DESIGN.md ("Rules"), checked by `npm run lint` and by test/architecture.test.ts,
 * which feeds these same rules a fixture tree that must fail them (a rule that cannot fail is not a rule).
 *
 * Rule 6 (a module's knex sees only its own schema/file) is about the database, not about imports:
 * it is enforced at runtime by src/platform/db/module-db.ts (one SQLite file or one Postgres schema
 * and role per module).
 *
 * Paths are relative to the directory the cruise starts from (the repository root for `npm run lint`).
 */

/** Resolved path of a package (its own code or its @types), wherever node_modules sits. */
const pkg = (names) => `(^|/)node_modules/(@types/)?(${names.join('|')})(/|$)`;
const KNEX = pkg(['knex']);
const EXPRESS = pkg(['express', 'express-serve-static-core']);

/**
 * The platform's layers (DESIGN.md "Layout"): the kernel at the bottom imports no platform folder;
 * each folder above it may import the kernel and the folders listed here, nothing else. The lists
 * form a DAG (test/architecture.test.ts checks it), so no cycle between platform folders can exist.
 */
export const PLATFORM_ARROWS = {
  // adapters
  cache: [],
  telemetry: [],
  resilience: ['telemetry'],
  db: ['telemetry'],
  discovery: ['resilience', 'telemetry'],
  http: ['cache', 'discovery', 'resilience', 'telemetry'],
  rpc: ['cache', 'discovery', 'http', 'resilience', 'telemetry'],
  events: ['db', 'resilience', 'telemetry'],
  // what assembles adapters
  console: ['cache', 'discovery', 'events', 'http', 'resilience', 'rpc', 'telemetry'],
  process: ['cache', 'console', 'db', 'discovery', 'events', 'http', 'resilience', 'rpc', 'telemetry'],
  gateway: ['cache', 'console', 'discovery', 'http', 'process', 'resilience', 'rpc', 'telemetry'],
};

/** The platform folders a module may use: the kernel and the adapters it builds on, never the wiring. */
const MODULE_PLATFORM = ['kernel', 'cache', 'db', 'events', 'http', 'telemetry'];

const layerRules = Object.entries(PLATFORM_ARROWS).map(([folder, allowed]) => ({
  name: `platform-layer-${folder}`,
  comment: `src/platform/${folder} may import the kernel${allowed.length ? `, ${allowed.join(', ')}` : ''} and nothing else in the platform (rule 2).`,
  severity: 'error',
  from: { path: `^src/platform/${folder}/` },
  to: { path: '^src/platform/', pathNot: `^src/platform/(${[folder, 'kernel', ...allowed].join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    // 1. Modules talk only through contracts.
    {
      name: 'module-only-through-contract',
      comment:
        "A module may import another module only through that module's contract/ folder (DESIGN.md rule 1). " +
        '$1 is the importing module, so one rule covers every pair of modules.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/(?!$1/)[^/]+/(?!contract/)' },
    },
    {
      name: 'contract-no-internals',
      comment:
        'contract/ is what other modules compile against; it may use the platform and other contracts, ' +
        "but no module internals, not even its own module's domain/application/infrastructure/http/migrations (rule 1).",
      severity: 'error',
      from: { path: '^src/modules/[^/]+/contract/' },
      to: { path: '^src/modules/[^/]+/(?!contract/)' },
    },
    // 2. The platform knows no module.
    {
      name: 'platform-not-to-modules',
      comment: 'src/platform is shared infrastructure; it must not depend on any module (rule 2).',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'kernel-imports-no-platform-folder',
      comment: 'The kernel is the foundation: config, context, errors, logger, tokens, declarations (rule 2).',
      severity: 'error',
      from: { path: '^src/platform/kernel/' },
      to: { path: '^src/platform/', pathNot: '^src/platform/kernel/' },
    },
    {
      name: 'platform-files-live-in-a-layer',
      comment: 'Every platform file sits in a layer folder (kernel, an adapter, process, console, gateway) (rule 2).',
      severity: 'error',
      from: { path: '^src/platform/[^/]+$' },
      to: {},
    },
    {
      name: 'platform-folder-is-declared',
      comment: 'A new platform folder gets its place in PLATFORM_ARROWS before anything imports it (rule 2).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/platform/(?!(kernel|${Object.keys(PLATFORM_ARROWS).join('|')})/)` },
    },
    ...layerRules,
    {
      name: 'modules-use-kernel-and-adapters',
      comment:
        `A module builds on the platform's ${MODULE_PLATFORM.join(', ')}; the wiring (process, rpc, discovery, ` +
        "resilience, console, gateway) is the host's business, not the module's (rule 2).",
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/platform/', pathNot: `^src/platform/(${MODULE_PLATFORM.join('|')})/` },
    },
    // 3. The domain is pure.
    {
      name: 'domain-no-frameworks',
      comment: 'domain/ holds pure rules: no web framework, database, queue or logger (rule 3).',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: { path: pkg(['express', 'express-serve-static-core', 'knex', 'bullmq', 'ioredis', 'pino']) },
    },
    {
      name: 'http-only-at-the-edge',
      comment:
        'application/ and domain/ return outcomes (an order, a refusal with its code and retry hint); ' +
        'only http/ knows status codes and headers, so nothing below it imports src/platform/http (rule 3).',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/(application|domain)/' },
      to: { path: '^src/platform/http/' },
    },
    // 4. Composition root and technology boundaries.
    {
      name: 'only-main-imports-module-index',
      comment:
        "A module's index.ts (its ModuleDefinition) is wired only by the composition root, src/main.ts (rule 4).",
      severity: 'error',
      from: { pathNot: '^src/main\\.ts$' },
      to: { path: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'knex-only-in-persistence',
      comment:
        'knex is used only by infrastructure/ and migrations/ of a module, src/platform/db and ' +
        'src/platform/events (which owns the outbox/inbox tables) (rule 4).',
      severity: 'error',
      from: {
        pathNot:
          '^src/(modules/[^/]+/(infrastructure|migrations)/|platform/(db|events)/|platform/kernel/database\\.ts$)',
      },
      to: { path: KNEX },
    },
    {
      name: 'kernel-names-knex-only-as-types',
      comment:
        "The kernel declares what a module sees of its database (kernel/database.ts names knex's types); " +
        'it never loads knex: that is the db adapter (rule 2).',
      severity: 'error',
      from: { path: '^src/platform/kernel/' },
      to: { path: KNEX, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'express-only-in-http',
      comment:
        'express is used only by http/ folders of modules and by src/platform/http, src/platform/gateway ' +
        'and src/platform/rpc (rule 4).',
      severity: 'error',
      from: { pathNot: '^src/(modules/[^/]+/http/|platform/(http|gateway|rpc)/)' },
      to: { path: EXPRESS },
    },
    // 5. Hygiene.
    {
      name: 'no-circular',
      comment: 'Circular dependencies make modules impossible to reason about and to split (rule 5).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A file nothing imports and that imports nothing is dead code or a forgotten wire (rule 5).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '\\.test\\.ts$',
          '\\.d\\.ts$',
          '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$', // dot files such as this one
          '(^|/)(tsconfig[^/]*\\.json|package\\.json|vitest\\.config\\.[cm]?[jt]s)$',
        ],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve to a file or an installed package is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may import what they test (and fixtures); the rules are about production code.
    exclude: { path: '\\.test\\.ts$' },
    // Also see `import type` and other dependencies the compiler erases, so type-only leaks are caught.
    tsPreCompilationDeps: true,
    // NodeNext: `./x.js` in the source is the file `./x.ts`.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
