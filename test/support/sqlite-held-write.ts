import type { HeldWrite, LateCommitHarness, StoreUnderTest } from '../../libs/event-store/src/contract/event-store.contract';
import { exited, spawnTs, waitForLine } from './child-process';

/**
 * The late-commit harness for SQLite. Another process takes the write lock and inserts the event,
 * so it has its position, and keeps the transaction open until `commit`. SQLite lets one writer
 * in at a time: the store under test can append again only after that commit.
 */
export const sqliteLateCommit: LateCommitHarness<StoreUnderTest & { file: string }> = {
  laterAppend: 'waits',
  async hold({ file }, stream, event): Promise<HeldWrite> {
    const child = spawnTs('test/support/sqlite-held-write-child.ts', [file, stream, JSON.stringify(event)]);
    // A child that died early fails the test through its exit code, not an EPIPE on its stdin.
    child.stdin.on('error', () => undefined);
    const dispose = async () => {
      // Killing the child before its commit rolls the transaction back.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    };
    try {
      const [, position] = await waitForLine(child, /^holding (\d+)$/);
      return {
        position: BigInt(position),
        async commit() {
          child.stdin.write('commit\n');
          const code = await exited(child);
          if (code !== 0) throw new Error(`the held write did not commit: the child exited with ${code}`);
        },
        dispose,
      };
    } catch (error) {
      await dispose();
      throw error;
    }
  },
};
