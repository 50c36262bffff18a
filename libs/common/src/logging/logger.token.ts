/** DI token for the pino logger. */
export const LOGGER = Symbol('LOGGER');
