import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { routerFor } from '../http/mount.js';

/** The router the console's routes are mounted on. */
export type ConsoleRouter = ReturnType<typeof routerFor>;

/** The page's files, beside this one under static/ (copied to dist by the build), and their media types. */
const FILES = {
  'console.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'traces.css': 'text/css; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'call-graph.js': 'text/javascript; charset=utf-8',
  'traces.js': 'text/javascript; charset=utf-8',
} as const;

/**
 * `GET /console` and its assets under `/console/assets/`: a static page whose script signs in
 * through the public login route and then reads the console API. The files are read once, at
 * startup; no inline script (helmet's CSP allows scripts from 'self' only) and nothing from a CDN.
 */
export function addConsolePage(router: ConsoleRouter): void {
  for (const [name, type] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./static/${name}`, import.meta.url));
    const send = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
      res.end(body);
    };
    router.get(name === 'console.html' ? '/console' : `/console/assets/${name}`, send);
  }
}
