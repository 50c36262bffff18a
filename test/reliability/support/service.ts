import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mintToken } from '@app/common';
import { exited, spawnTs } from '../../support/child-process';
import { freePort } from '../../support/redis-process';
import { pause } from '../../support/poll';

/** The whole `/health` answer (API.md), as an authenticated caller gets it. */
export interface Health {
  status: string;
  eventStore: string;
  redis: string;
  projections: { position: number | null; lag: number | null };
}

/**
 * The REAL service (`apps/server/src/main.ts`, both roles) in a child process on a data folder,
 * with the environment the test chooses. Keeps the tail of its output for failure reports, and
 * can be SIGKILLed at any moment: nothing of it runs in the test's process.
 */
export class ServiceProcess {
  private output: string[] = [];

  private constructor(
    readonly port: number,
    readonly env: Record<string, string>,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Starts the service and resolves once GET /health answers 200 (the event store is open).
   * `entry` picks the process: both roles (default, as `npm start`) or the API alone.
   */
  static async start(
    env: Record<string, string>,
    options: { port?: number; timeoutMs?: number; entry?: 'apps/server/src/main.ts' | 'apps/api/src/main.ts' } = {},
  ): Promise<ServiceProcess> {
    const port = options.port ?? (await freePort());
    const child = spawnTs(options.entry ?? 'apps/server/src/main.ts', [], { ...env, PORT: String(port) });
    const service = new ServiceProcess(port, env, child);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the service exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${service.tail()}`);
      }
      const health = await service.health().catch(() => null);
      if (health) return service;
      if (Date.now() > deadline) {
        await service.kill();
        throw new Error(`the service did not answer /health within ${options.timeoutMs ?? 30_000} ms:\n${service.tail()}`);
      }
      await pause(50);
    }
  }

  /**
   * GET /health, or null when it does not answer 200. With a token minted from the service's
   * AUTH_JWT_SECRET, so the answer has its details.
   */
  async health(timeoutMs = 2000): Promise<Health | null> {
    const secret = this.env.AUTH_JWT_SECRET;
    const headers: Record<string, string> = secret
      ? { authorization: `Bearer ${await mintToken(secret, { sub: 'operator-1', role: 'auditor' })}` }
      : {};
    const res = await fetch(`${this.url}/health`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return null;
    }
    return (await res.json()) as Health;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed, open transactions die with the process. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = exited(this.child);
    this.child.kill('SIGKILL');
    await done;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the service printed (stdout and stderr), for failure messages. */
  tail(lines = 40): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
}
