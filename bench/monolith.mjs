// A monolith (dist/main.js) in a child process on a free port, for the benchmarks.
import { spawn } from 'node:child_process';
import { ADMIN } from './shop-load.mjs';

const freePort = () => 10000 + Math.floor(Math.random() * 20000); // below the ephemeral port range

export async function startMonolith(env) {
  const port = freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      SEED_DEMO_CATALOG: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_PER_MINUTE: '0',
      EVENT_BUS: 'memory',
      MODULES: 'all',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
