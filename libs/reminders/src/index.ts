export * from './jobs';
export * from './schedule';
export * from './notices';
export * from './notify/webhook';
export * from './notify/mail';
