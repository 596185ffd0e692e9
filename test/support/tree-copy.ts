import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What building, running and checking the shop needs; node_modules is linked, not copied. */
const COPIED = [
  'src',
  'tools',
  'docs/openapi.json',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  '.prettierrc.json',
];

/** A text replacement in one file of a copy: `from` must occur, so a change that no longer applies fails loudly. */
export interface Edit {
  file: string;
  from: string | RegExp;
  to: string;
}

/** A copy of this repository's sources in a temporary directory, for a test that changes the code. */
export interface TreeCopy {
  dir: string;
  apply(edits: Edit[]): void;
  /** Puts back every file an edit changed. */
  revert(): void;
  /** `node --import tsx <script> ...args` in the copy: its exit code and output. */
  run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** `npm run build` in the copy (tsc -p tsconfig.build.json and the console's static files) into its dist/. */
  build(): Promise<void>;
  remove(): void;
}

export function copyTree(label: string): TreeCopy {
  const dir = mkdtempSync(path.join(tmpdir(), `shop-${label}-`));
  for (const entry of COPIED) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const originals = new Map<string, string>();
  const exec = promisify(execFile);
  return {
    dir,
    apply(edits) {
      for (const { file, from, to } of edits) {
        const target = path.join(dir, file);
        const text = readFileSync(target, 'utf8');
        if (!(typeof from === 'string' ? text.includes(from) : from.test(text)))
          throw new Error(`copyTree: ${file} has no ${String(from)} to change`);
        if (!originals.has(target)) originals.set(target, text);
        writeFileSync(target, text.replace(from, to));
      }
    },
    revert() {
      for (const [file, text] of originals) writeFileSync(file, text);
      originals.clear();
    },
    async run(script, args) {
      try {
        const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script, ...args], { cwd: dir });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    },
    async build() {
      await exec('npm', ['run', 'build'], { cwd: dir, timeout: 240_000 });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
