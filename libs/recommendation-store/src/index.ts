export * from './recommendation-store';
export * from './recommendation-store.errors';
export * from './recommendation-stream';
export * from './recommendation-store.module';
