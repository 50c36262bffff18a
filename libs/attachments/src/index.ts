export * from './attachment-store';
export * from './attachment-name';
export * from './content-type';
export * from './size';
export * from './temporary-sweep';
