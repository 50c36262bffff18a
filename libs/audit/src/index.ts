export * from './log-walk';
export * from './root-hash';
export * from './signing-key';
export * from './verify-log';
export * from './checkpoint';
export * from './export-import';
export * from './audit.module';
