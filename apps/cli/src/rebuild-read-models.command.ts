import { loadConfig } from '@app/common';
import { openEventStore } from '@app/event-store';
import { rebuildReadModels } from '@app/read-models';

/**
 * `npm run cli -- rebuild-read-models`: replays the whole log into a fresh read-model file and
 * switches to it atomically; a running service keeps answering from the old file until it notices.
 */
export async function rebuildReadModelsCommand(): Promise<void> {
  const config = loadConfig();
  const store = await openEventStore(config);
  try {
    const started = Date.now();
    const { file, position } = await rebuildReadModels(store, config.DATA_DIR);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`read models rebuilt up to position ${position} in ${seconds.toFixed(1)} s: ${file}\n`);
  } finally {
    await store.close();
  }
}
