import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (.ci/run installs it when absent). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The machine's network is closed: nothing that phones home, no QUIC, no GPU.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile and a laptop-sized window, or undefined (with the reason printed)
 * when it cannot start; under CI=true that is a failure instead, so CI cannot pass by skipping.
 */
export async function startBrowser(): Promise<TestBrowser | undefined> {
  const profile = mkdtempSync(path.join(tmpdir(), 'shop-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1440, height: 900 },
      timeout: 30_000,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    const reason = `chromium (${CHROMIUM}) cannot start: ${(error as Error).message.split('\n')[0]}`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
    console.warn(`skipping browser tests: ${reason}`);
    return undefined;
  }
}
