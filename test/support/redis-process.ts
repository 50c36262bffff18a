import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { exited, waitForLine } from './child-process';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway redis-server the test owns, so it can be killed and replaced by an empty one
 * without touching the shared Redis. Nothing is persisted: a restart starts from nothing.
 */
export class RedisProcess {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(port?: number): Promise<RedisProcess> {
    const chosen = port ?? (await freePort());
    const child = spawn(
      'redis-server',
      ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
      { stdio: 'pipe' },
    );
    await waitForLine(child, /Ready to accept connections/, 10_000);
    return new RedisProcess(chosen, child);
  }

  /** SIGKILL: Redis gets no chance to save or to say goodbye to its clients. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = exited(this.child);
    this.child.kill('SIGKILL');
    await done;
  }
}
