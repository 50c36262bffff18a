export * from './event-store.port';
export * from './event-store.errors';
export { SqliteEventStore, type SqliteEventStoreOptions } from './adapters/sqlite/sqlite-event-store';
export { EventStoreModule, openEventStore, eventStoreFile } from './event-store.module';
export * from './event-stream.repository';
export * from './chain/hash-chain';
export * from './chain/canonical-json';
