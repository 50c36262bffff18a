export * from './jobs';
export * from './schedule';
export * from './notify/webhook';
export * from './notify/mail';
