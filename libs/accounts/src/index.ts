export * from './account';
export * from './directory';
