import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '@app/event-store';

const PAGE = 1000;

/**
 * Every event of the log in global order, one page in memory at a time. Between pages it gives the
 * event loop a turn (reading a page is synchronous on the embedded store), so walking a long log —
 * verify, export, a checkpoint — never holds other requests for more than a page's work.
 */
export async function* walkLog(
  store: EventStore,
  options: { fromPosition?: bigint; pageSize?: number } = {},
): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? PAGE;
  let page = await store.readAll({ fromPosition: options.fromPosition ?? 0n, maxCount: pageSize });
  while (page.length > 0) {
    for (const event of page) yield event;
    if (page.length < pageSize) return;
    await nextTurn();
    page = await store.readAll({ afterPosition: page[page.length - 1].position, maxCount: pageSize });
  }
}
