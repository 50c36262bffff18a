import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '@app/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { SqliteEventStore } from './adapters/sqlite/sqlite-event-store';

/** Path of the embedded event store inside the data folder. */
export function eventStoreFile(dataDir: string): string {
  return join(dataDir, 'events.sqlite');
}

/** Opens the adapter chosen by `EVENT_STORE`. */
export async function openEventStore(config: AppConfig): Promise<EventStore> {
  if (config.EVENT_STORE === 'esdb') {
    // Loaded only when chosen, so the embedded default does not pay for the gRPC client.
    const { EsdbEventStore } = await import('./adapters/esdb/esdb-event-store');
    return EsdbEventStore.fromConnectionString(config.EVENTSTORE_CONNECTION_STRING as string);
  }
  return new SqliteEventStore({ file: eventStoreFile(config.DATA_DIR) });
}

@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [AppConfig], useFactory: openEventStore }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
