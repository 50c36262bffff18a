import type { EventStore, RecordedEvent } from '@app/event-store';

const PAGE = 2000;

/** Every event of the log in global order, one page in memory at a time. */
export async function* walkLog(
  store: EventStore,
  options: { fromPosition?: bigint; pageSize?: number } = {},
): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? PAGE;
  let page = await store.readAll({ fromPosition: options.fromPosition ?? 0n, maxCount: pageSize });
  while (page.length > 0) {
    for (const event of page) yield event;
    if (page.length < pageSize) return;
    page = await store.readAll({ afterPosition: page[page.length - 1].position, maxCount: pageSize });
  }
}
