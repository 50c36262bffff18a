import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * Tokens an attacker (or a broken client) would send: unsigned, edited, re-signed with the wrong
 * key, expired, with the wrong algorithm. Used by the authorization matrix and the fuzz.
 */

export interface Claims {
  sub?: string;
  name?: string;
  role?: string;
  department?: string;
  commune?: string;
  [claim: string]: unknown;
}

export interface SignOptions {
  alg?: 'HS256' | 'HS384' | 'HS512' | 'RS256';
  /** Seconds from now; negative for an expired token; null for no `exp` at all. */
  expiresIn?: number | null;
  notBeforeIn?: number;
  /** Seconds from now for `iat` (default: a minute ago, or before `exp` for an expired token). */
  issuedAtIn?: number;
  issuer?: string;
  audience?: string | string[];
  kid?: string;
}

const now = () => Math.floor(Date.now() / 1000);

/** Signs `claims` with a shared secret (HS*) or a private key (RS256), as an identity provider would. */
export async function sign(key: string | Uint8Array | CryptoKey, claims: Claims, options: SignOptions = {}): Promise<string> {
  const alg = options.alg ?? 'HS256';
  const { sub, ...rest } = claims;
  let jwt = new SignJWT({ name: sub, ...rest }).setProtectedHeader({
    alg,
    typ: 'JWT',
    ...(options.kid ? { kid: options.kid } : {}),
  });
  if (sub !== undefined) jwt = jwt.setSubject(sub);
  jwt = jwt.setIssuedAt(now() + (options.issuedAtIn ?? Math.min(0, options.expiresIn ?? 0) - 60));
  if (options.expiresIn !== null) jwt = jwt.setExpirationTime(now() + (options.expiresIn ?? 3600));
  if (options.notBeforeIn !== undefined) jwt = jwt.setNotBefore(now() + options.notBeforeIn);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  const secret = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return jwt.sign(secret);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** `alg: none`: no signature at all (and variants with a stray or empty signature part). */
export function unsignedToken(claims: Claims, variant: 'empty' | 'stray' | 'None' = 'empty'): string {
  const header = { alg: variant === 'None' ? 'None' : 'none', typ: 'JWT' };
  const payload = { name: claims.sub, iat: now() - 60, exp: now() + 3600, ...claims };
  return `${b64(header)}.${b64(payload)}.${variant === 'stray' ? 'c2lnbmF0dXJl' : ''}`;
}

/** The same header and signature over an edited payload: a forged claim. */
export function withEditedPayload(token: string, edit: (payload: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64(edit(decodePayload(token)))}.${signature}`;
}

/** One bit of the signature changed. */
export function withFlippedSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** A header naming another algorithm over the original signature. */
export function withHeader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return `${b64(header)}.${payload}.${signature}`;
}

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  hits: () => number;
  close: () => Promise<void>;
}

/** Serves `{ keys }` at /jwks.json on 127.0.0.1, as an identity provider would. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
