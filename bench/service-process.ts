import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mintToken } from '../libs/common/src/auth/mint-token';

export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const ROOT = join(__dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  child: ChildProcess;
  url: string;
  /** Peak resident memory of the service so far (VmHWM), in MiB. */
  peakRssMiB: () => number;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Receives each line the service writes to stdout (pino's JSON lines); without it, stdout is ignored. */
  onStdoutLine?: (line: string) => void;
}

/** Starts the built service (`npm run build` first) as its own process, as `npm start` would, and waits for /health. */
export async function startService(
  dataDir: string,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningService> {
  const { onStdoutLine } = options;
  const port = await freePort();
  // BENCH_NODE_ARGS lets a profiling run pass flags to the service, e.g. --cpu-prof.
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/apps/server/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT: '100000000',
      QUEUE_PREFIX: `bench${port}`,
      ...env,
    },
    stdio: ['ignore', onStdoutLine ? 'pipe' : 'ignore', 'inherit'],
  });
  // Read to the end, so a full pipe never blocks the service's logging.
  if (onStdoutLine && child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', onStdoutLine);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('service did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url,
    peakRssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until the service's read models caught up with the log. */
export async function waitCaughtUp(url: string, timeoutMs = 600_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const authorization = `Bearer ${await mintToken(BENCH_SECRET, { sub: 'bench-operator', role: 'auditor' })}`;
    const health = (await (await fetch(`${url}/health`, { headers: { authorization } })).json()) as {
      projections: { lag: number | null };
    };
    if (health.projections.lag === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error('read models did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
