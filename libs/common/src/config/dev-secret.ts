import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './app-config';

/**
 * Outside production a missing AUTH_JWT_SECRET is replaced by one generated once and kept in the
 * data folder, so that `npm run token` and the service agree without any setup.
 * Returns whether a development secret is in use.
 */
export function ensureJwtSecret(config: AppConfig): { generated: boolean; file?: string } {
  if (config.AUTH_JWT_SECRET || config.AUTH_JWKS_URL) return { generated: false };
  const file = join(config.DATA_DIR, 'dev-jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  config.AUTH_JWT_SECRET = readFileSync(file, 'utf8').trim();
  return { generated: true, file };
}
