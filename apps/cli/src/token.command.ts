import { parseArgs } from 'node:util';
import { ensureJwtSecret, loadConfig, mintToken } from '@app/common';

/** `npm run token -- --role department --department home-affairs --sub u1`: prints a bearer token. */
export async function tokenCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string' },
      commune: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  if (!values.role)
    throw new Error(
      'usage: npm run token -- --role <secretariat|committee|department|commune|auditor> [--department code] [--commune code] [--sub id] [--name text] [--expires 8h]',
    );
  const config = loadConfig();
  if (config.AUTH_JWKS_URL)
    throw new Error('AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command');
  ensureJwtSecret(config);
  const token = await mintToken(
    config.AUTH_JWT_SECRET as string,
    {
      sub: values.sub ?? `${values.role}-user`,
      name: values.name,
      role: values.role,
      department: values.department,
      commune: values.commune,
    },
    { expiresIn: values.expires, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
  );
  process.stdout.write(`${token}\n`);
}
