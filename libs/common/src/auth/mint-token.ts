import { SignJWT } from 'jose';

export interface TokenClaims {
  sub: string;
  name?: string;
  role: string;
  department?: string;
  commune?: string;
}

/** Signs an HS256 token with the claims API.md defines; for local use, tests and the demo. */
export function mintToken(
  secret: string,
  claims: TokenClaims,
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  let jwt = new SignJWT({ ...rest, name: claims.name ?? sub })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
