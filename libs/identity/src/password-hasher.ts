import { hash, verify, Algorithm } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended parameters (Password Storage Cheat Sheet: m = 19 MiB, t = 2,
 * p = 1). Hashing runs on libuv's thread pool, not on the event loop.
 */
export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  /** A hash of a password nobody has, verified when the username is unknown so both answers take as long. */
  private readonly decoy: Promise<string> = hash('decoy-password-that-no-account-has', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(stored: string | null, password: string): Promise<boolean> {
    if (stored === null) {
      await verify(await this.decoy, password).catch(() => false);
      return false;
    }
    return verify(stored, password).catch(() => false);
  }
}
