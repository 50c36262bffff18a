import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import type { Configuration } from 'oidc-provider';

/** What the provider says of a person: the claims of the `email` scope. */
export interface TestIdentity {
  email?: string;
  email_verified?: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The people the provider knows, by subject; change them between sign-ins. */
  identities: Map<string, TestIdentity>;
  /** Who the next login interaction signs in (the user typing their password at the provider). */
  loginAs: string | null;
  /** What the token endpoint answered, in order: `ok`, or the OAuth error (a replayed code is `invalid_grant`). */
  tokenRequests: string[];
  close: () => Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider) on a free port of this process, with one confidential
 * client (client_secret_basic, PKCE required, authorization code only) and a minimal interaction:
 * the login prompt signs in {@link TestProvider.loginAs}, the consent prompt grants what is asked.
 * Claims stay where the specification puts them: the ID token carries `sub`, the email is in userinfo.
 */
export async function startTestProvider(options: { redirectUri: string }): Promise<TestProvider> {
  const ProviderClass = loadProvider();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const identities = new Map<string, TestIdentity>();
  const tokenRequests: string[] = [];
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const configuration: Configuration = {
    clients: [
      {
        client_id: 'follow-up-tracker',
        client_secret: randomBytes(24).toString('base64url'),
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: {
      keys: [{ ...signing, kid: 'test-signing-key', alg: 'RS256', use: 'sig' }] as NonNullable<Configuration['jwks']>['keys'],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'email'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const identity = identities.get(sub);
      return identity ? { accountId: sub, claims: () => ({ sub, ...identity }) } : undefined;
    },
  };
  // In memory is what a test wants; the provider's warning about it is not shown.
  const provider = quietly(() => new ProviderClass(issuer, configuration));
  provider.on('grant.success', () => tokenRequests.push('ok'));
  provider.on('grant.error', (_ctx, error) => tokenRequests.push(error.error ?? error.message));

  const state: TestProvider = {
    issuer,
    clientId: configuration.clients![0].client_id,
    clientSecret: configuration.clients![0].client_secret as string,
    identities,
    loginAs: null,
    tokenRequests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && /^\/interaction\/[^/?]+$/.test(req.url ?? '')) {
      interact(provider, state, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    void handle(req, res);
  });
  return state;
}

/** The provider's login or consent page, answered at once as the person would. */
async function interact(provider: Provider, state: TestProvider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    if (!state.loginAs) throw new Error('nobody to sign in: set loginAs');
    await provider.interactionFinished(req, res, { login: { accountId: state.loginAs } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'consent') {
    const accountId = details.session?.accountId as string;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: details.params.client_id as string });
    if (!grant) throw new Error('grant not found');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: details.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  throw new Error(`unexpected prompt ${details.prompt.name}`);
}

/** oidc-provider, loaded when first used, without its warning that Node.js 20 is not its preferred runtime. */
function loadProvider(): typeof Provider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, so that its warning can be held back
  return quietly(() => (require('oidc-provider') as { default: typeof Provider }).default);
}

/** Runs `action` without oidc-provider's start-up warnings (the runtime, the in-memory adapter); any other warning shows. */
function quietly<T>(action: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (
      typeof args[0] === 'string' &&
      /^oidc-provider WARNING: (Unsupported runtime|a quick start development-only in-memory adapter)/.test(args[0])
    )
      return;
    warn(...args);
  };
  try {
    return action();
  } finally {
    console.warn = warn;
  }
}

/**
 * A browser, as far as sign-in needs one: one cookie jar per origin (paths respected), redirects
 * followed by hand, and a hosts table that sends a public origin (PUBLIC_URL) to the test server.
 */
export class Browser {
  private readonly jars = new Map<string, Map<string, { value: string; path: string }>>();

  constructor(private readonly hosts: Record<string, string> = {}) {}

  async get(url: string | URL): Promise<Response> {
    const target = new URL(url);
    const jar = this.jar(target.origin);
    const cookies = [...jar.entries()]
      .filter(([, c]) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`);
    const real = new URL(target.pathname + target.search, this.hosts[target.origin] ?? target.origin);
    const response = await fetch(real, {
      redirect: 'manual',
      headers: cookies.length > 0 ? { cookie: cookies.join('; ') } : {},
    });
    for (const header of response.headers.getSetCookie()) this.store(jar, target, header);
    return response;
  }

  /** The value of a cookie the browser holds for `origin`, or undefined. */
  cookie(origin: string, name: string): string | undefined {
    return this.jar(new URL(origin).origin).get(name)?.value;
  }

  private jar(origin: string): Map<string, { value: string; path: string }> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  private store(jar: Map<string, { value: string; path: string }>, url: URL, header: string): void {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    let path = url.pathname.slice(0, url.pathname.lastIndexOf('/')) || '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key, ...rest] = attribute.split('=');
      const attributeValue = rest.join('=');
      if (/^path$/i.test(key)) path = attributeValue;
      if (/^max-age$/i.test(key) && Number(attributeValue) <= 0) expired = true;
      if (/^expires$/i.test(key) && Date.parse(attributeValue) <= Date.now()) expired = true;
    }
    if (expired) jar.delete(name);
    else jar.set(name, { value, path });
  }
}
