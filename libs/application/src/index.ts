export * from './application.errors';
export * from './command-executor';
export * from './command-input';
export * from './create-application';
export * from './idempotent-requests';
export * from './recommendation-commands';
export * from './recommendation-stream';
export * from './application.module';
