// `npm run contracts:check` / `npm run contracts:update`: compares every module's contract and
// events, and the public OpenAPI document, with the snapshots committed beside them.
import 'reflect-metadata';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { MODULES } from '../../src/main.js';
import { compareModule, comparePublicApi, passes, type Verdict } from './compare.js';
import type { OpenApiDocument } from './openapi-diff.js';
import { moduleSnapshots, publicApiSnapshot, type ModuleSnapshot } from './snapshot.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const moduleFile = (module: string) => `${root}src/modules/${module}/contract/${module}.snapshot.json`;
const PUBLIC_API_FILE = `${root}docs/openapi.json`;
const GUIDE = 'docs/changing-a-contract.md';

const read = <T>(file: string): T | undefined =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;

/** Modules with a committed snapshot, whether or not the code still has them. */
const committedModules = () => readdirSync(`${root}src/modules`).filter((module) => existsSync(moduleFile(module)));

function verdicts(current: ModuleSnapshot[], api: OpenApiDocument): Verdict[] {
  const names = [...new Set([...committedModules(), ...current.map((snapshot) => snapshot.module)])].sort();
  return [
    ...names.map((name) =>
      compareModule(
        read<ModuleSnapshot>(moduleFile(name)),
        current.find((snapshot) => snapshot.module === name),
      ),
    ),
    comparePublicApi(read<OpenApiDocument>(PUBLIC_API_FILE), api),
  ];
}

function describe(verdict: Verdict): string {
  const versions = verdict.from === verdict.to ? `${verdict.to}` : `${verdict.from} → ${verdict.to}`;
  const head = `${verdict.subject} ${versions}:`;
  if (!verdict.committed) return `+ ${verdict.subject} ${verdict.to}: no snapshot committed yet`;
  const list = verdict.breaks.map((line) => `\n    - ${line}`).join('');
  if (!passes(verdict)) return `✗ ${head} incompatible without a major bump${list}`;
  if (verdict.breaks.length > 0)
    return `! ${head} incompatible changes allowed by the major bump; serve both majors until no caller of the old one is left${list}`;
  return verdict.changed ? `~ ${head} compatible changes` : `✓ ${head} unchanged`;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  const options = { ...(await resolveConfig(file)), filepath: file };
  writeFileSync(file, await format(JSON.stringify(value), options));
}

async function main(command: string | undefined): Promise<number> {
  if (command !== 'check' && command !== 'update') {
    console.error('usage: tsx tools/contracts/cli.ts check|update');
    return 2;
  }
  const current = moduleSnapshots(MODULES);
  const api = publicApiSnapshot(MODULES);
  const results = verdicts(current, api);
  for (const verdict of results) console.log(describe(verdict));
  const failing = results.filter((verdict) => !passes(verdict));
  if (failing.length > 0) {
    console.error(
      `\ncontracts: ${failing.length} incompatible change set(s) without a major bump. Undo them, or raise the ` +
        `major and roll out both majors side by side (${GUIDE}).`,
    );
    return 1;
  }
  const stale = results.filter((verdict) => verdict.changed);
  if (command === 'check') {
    if (stale.length > 0)
      console.log('\ncontracts: compatible; the snapshots can be updated: npm run contracts:update');
    return 0;
  }
  for (const snapshot of current) await writeJson(moduleFile(snapshot.module), snapshot);
  await writeJson(PUBLIC_API_FILE, api);
  console.log(`\ncontracts: ${stale.length} snapshot(s) rewritten`);
  return 0;
}

process.exitCode = await main(process.argv[2]);
