export * from './identity-store';
export * from './password-hasher';
