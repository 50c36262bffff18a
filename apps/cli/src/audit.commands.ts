import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { AuditSigner, exportLines, importLines, verifyLog, writeCheckpoint } from '@app/audit';
import { AttachmentStore, parseSize } from '@app/attachments';
import { loadConfig, type AppConfig } from '@app/common';
import { openEventStore, type EventStore } from '@app/event-store';

/** The configuration with `--data-dir` taking precedence, so a copy of a data folder can be checked offline. */
function configFor(argv: string[], extra: Record<string, { type: 'string' | 'boolean' }> = {}) {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, ...extra } });
  const env = { ...process.env, ...(values['data-dir'] ? { DATA_DIR: String(values['data-dir']) } : {}) };
  return { config: loadConfig(env), values: values as Record<string, string | boolean | undefined> };
}

async function withStore<T>(config: AppConfig, work: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await openEventStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** `npm run cli -- verify [--data-dir D]`: recompute every hash chain and check every checkpoint; exit 1 on any failure. Needs no Redis. */
export async function verifyCommand(argv: string[]): Promise<void> {
  const { config } = configFor(argv);
  const signer = AuditSigner.fromConfig(config.AUDIT_SIGNING_KEY, config.DATA_DIR);
  // The stored files cited by the log are hashed again too, as /audit/verify does.
  const files = new AttachmentStore(config.DATA_DIR, parseSize(config.ATTACHMENT_LIMIT));
  const report = await withStore(config, (store) => verifyLog(store, { publicKey: signer.publicKey, files }));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!report.ok) process.exitCode = 1;
}

/** `npm run cli -- checkpoint`: sign the log's current root hash into the audit-checkpoints stream. */
export async function checkpointCommand(argv: string[]): Promise<void> {
  const { config } = configFor(argv);
  const signer = AuditSigner.fromConfig(config.AUDIT_SIGNING_KEY, config.DATA_DIR);
  const actor = { sub: 'system:audit', name: 'Audit checkpoint (CLI)', role: 'system' };
  const result = await withStore(config, (store) => writeCheckpoint(store, signer, actor, new Date()));
  process.stdout.write(result ? `${JSON.stringify(result, null, 2)}\n` : 'nothing new since the last checkpoint\n');
}

/** `npm run cli -- export [--out file]`: the whole log as NDJSON, streamed with flat memory. */
export async function exportCommand(argv: string[]): Promise<void> {
  const { config, values } = configFor(argv, { out: { type: 'string' } });
  const out = values.out ? createWriteStream(String(values.out)) : process.stdout;
  let peak = process.memoryUsage().rss;
  let count = 0;
  await withStore(config, async (store) => {
    for await (const line of exportLines(store)) {
      if (!out.write(line)) await once(out, 'drain');
      if (++count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
  });
  if (out !== process.stdout) await new Promise<void>((resolve) => out.end(resolve));
  process.stderr.write(
    `exported ${count} events; peak RSS ${Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20)} MiB\n`,
  );
}

/** `npm run cli -- import --in file [--data-dir D]`: load an export into an empty data folder. */
export async function importCommand(argv: string[]): Promise<void> {
  const { config, values } = configFor(argv, { in: { type: 'string' } });
  const input = values.in ? createReadStream(String(values.in)) : process.stdin;
  const lines = createInterface({ input, crlfDelay: Infinity });
  const count = await withStore(config, (store) => importLines(store, lines));
  process.stderr.write(`imported ${count} events into ${config.DATA_DIR}\n`);
}
