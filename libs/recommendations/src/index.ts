export * from './actor';
export * from './commands';
export * from './events';
export * from './errors';
export * from './state';
export * from './rules';
export { decide } from './decide';
export { evolve, fold, reminderKey } from './evolve';
export * from './view';
