import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { createLogger, loadConfig, PinoNestLogger, systemClock, type AppConfig } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { RecommendationCommands } from '@app/application';
import { configureHttp } from '../../apps/api/src/configure-http';
import { ApiHttpAdapter } from '../../apps/api/src/http-adapter';
import { AppModule } from '../../apps/server/src/app.module';
import { exited, spawnTs, waitForLine } from '../support/child-process';
import { deleteKeys } from '../support/test-app';
import { IdentityStoreProvider } from '../../apps/api/src/auth/sessions';
import { COMMUNE, DEPARTMENT, raiseBody, VALID_BODY } from '../support/recommendation-fixtures';
import { errorShapeProblems } from './support/fuzz-harness';
import { sign } from './support/matrix-tokens';

/**
 * "No stack traces in error bodies in production, secrets never logged." The app runs with
 * NODE_ENV=production and a logger at trace level writing into memory; every path that handles a
 * secret is driven (tokens on requests, reminders failing over SMTP with a password and over a
 * webhook with a secret, audit checkpoints signed with AUDIT_SIGNING_KEY, internal errors, the
 * store going away), then the captured log is searched for each secret. The real server entry
 * point is also started as a child process and its stdout/stderr searched the same way.
 */

const hex = () => randomBytes(12).toString('hex');
const JWT_SECRET = `prod-jwt-secret-${hex()}-${hex()}`;
const WEBHOOK_SECRET = `whsec-${hex()}`;
const SMTP_USER = 'mailer';
const SMTP_PASSWORD = `smtp-Pa55-${hex()}`;
const SIGNING_KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The base64 body of the PEM: what would show if the key were logged in any form. */
const SIGNING_KEY_BODY = SIGNING_KEY_PEM.split('\n')
  .filter((line) => line !== '' && !line.startsWith('-----'))
  .join('');

/** Every string whose appearance in a log line is a leak, named for the failure message. */
function secretsIn(text: string, bearerTokens: string[]): string[] {
  const secrets: Record<string, string> = {
    AUTH_JWT_SECRET: JWT_SECRET,
    WEBHOOK_SECRET,
    'SMTP password': SMTP_PASSWORD,
    'SMTP password (URL-encoded)': encodeURIComponent(SMTP_PASSWORD),
    'SMTP AUTH PLAIN credentials': Buffer.from(`\u0000${SMTP_USER}\u0000${SMTP_PASSWORD}`).toString('base64'),
    'SMTP AUTH LOGIN password': Buffer.from(SMTP_PASSWORD).toString('base64'),
    'AUDIT_SIGNING_KEY content': SIGNING_KEY_BODY,
    'AUDIT_SIGNING_KEY content (first 24 chars)': SIGNING_KEY_BODY.slice(0, 24),
  };
  bearerTokens.forEach((token, i) => {
    secrets[`bearer token #${i + 1}`] = token;
    secrets[`bearer token #${i + 1} signature`] = token.split('.')[2];
  });
  return Object.entries(secrets)
    .filter(([, value]) => value !== '' && text.includes(value))
    .map(([name]) => name);
}

/** A 5xx body in production: API.md's shape, a generic message, no stack, no path, no inner message. */
function leakProblems(res: request.Response): string[] {
  const problems = errorShapeProblems({
    status: res.status,
    contentType: String(res.headers['content-type'] ?? ''),
    etag: undefined,
    text: res.text ?? '',
    json: res.body,
  });
  for (const marker of [
    'boom',
    '/srv/secret',
    ' at ',
    'Error:',
    'stack',
    '.ts',
    'node_modules',
    'RangeError',
    'Maximum call stack',
  ]) {
    if ((res.text ?? '').includes(marker)) problems.push(`body contains "${marker}"`);
  }
  return problems;
}

interface Receivers {
  smtp: SMTPServer;
  smtpUrl: string;
  smtpPasswordsSeen: string[];
  webhook: Server;
  webhookUrl: string;
  signatures: string[];
}

/** An SMTP server that refuses every login (so nodemailer's auth path runs and fails) and a webhook that answers 500. */
async function startReceivers(): Promise<Receivers> {
  const smtpPasswordsSeen: string[] = [];
  const smtp = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      smtpPasswordsSeen.push(auth.password ?? '');
      callback(new Error('Invalid username or password'));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const signatures: string[] = [];
  const webhook = createServer((req: IncomingMessage, res) => {
    signatures.push(String(req.headers['x-signature'] ?? ''));
    req.resume();
    req.on('end', () => res.writeHead(500).end('nope'));
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookPort = (webhook.address() as AddressInfo).port;
  return {
    smtp,
    smtpUrl: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${smtpPort}`,
    smtpPasswordsSeen,
    webhook,
    webhookUrl: `http://127.0.0.1:${webhookPort}/hooks/follow-up`,
    signatures,
  };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('logs and error bodies in production (in-process, logger captured at trace level)', () => {
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      callback();
    },
  });
  let receivers: Receivers;
  let config: AppConfig;
  let app: INestApplication;
  let http: () => ReturnType<typeof request>;
  let dataDir: string;
  const tokens: Record<'secretariat' | 'department' | 'auditor' | 'expired', string> = {
    secretariat: '',
    department: '',
    auditor: '',
    expired: '',
  };
  const sent = (role: keyof typeof tokens) => `Bearer ${tokens[role]}`;
  const PASSWORDS = ['mật khẩu quản trị 2026', 'mật khẩu cán bộ sở', 'một mật khẩu sai hẳn', 'mật khẩu mới của cán bộ'];
  const sessionSecrets: string[] = [];

  beforeAll(async () => {
    receivers = await startReceivers();
    dataDir = mkdtempSync(join(tmpdir(), 'fut-logs-'));
    config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'trace',
      AUTH_JWT_SECRET: JWT_SECRET,
      WEBHOOK_SECRET,
      AUDIT_SIGNING_KEY: SIGNING_KEY_PEM,
      AUDIT_CHECKPOINT_EVERY: '2s',
      SMTP_URL: receivers.smtpUrl,
      SMTP_FROM: 'Follow-up Tracker <tracker@langson.example.gov.vn>',
      NOTIFY_WEBHOOK_URL: receivers.webhookUrl,
      NOTIFY_ATTEMPTS: '1',
      NOTIFY_BACKOFF_MS: '0',
      REMINDERS: 'on',
      REMINDER_LEADS: '3s',
      ESCALATION_EVERY: '1h',
      DATA_DIR: dataDir,
      QUEUE_PREFIX: `logs${randomUUID().slice(0, 8)}`,
    });
    const logger = createLogger(config.LOG_LEVEL, capture);
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ roles: ['api', 'worker'], config, logger, clock: systemClock })],
    }).compile();
    app = moduleRef.createNestApplication(new ApiHttpAdapter(), { bodyParser: false, logger: new PinoNestLogger(logger) });
    configureHttp(app, config);
    await app.init();
    const server = app.getHttpServer();
    http = () => request(server);
    tokens.secretariat = await sign(JWT_SECRET, { sub: 'clerk-1', role: 'secretariat' });
    tokens.department = await sign(JWT_SECRET, { sub: 'ha-officer', role: 'department', department: DEPARTMENT });
    tokens.auditor = await sign(JWT_SECRET, { sub: 'inspector-1', role: 'auditor' });
    tokens.expired = await sign(JWT_SECRET, { sub: 'clerk-1', role: 'secretariat' }, { expiresIn: -60 });
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await deleteKeys(config.REDIS_URL, `${config.QUEUE_PREFIX}:*`);
    await new Promise<void>((resolve) => receivers?.smtp.close(() => resolve()));
    await new Promise<void>((resolve) => receivers?.webhook.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  let itemId = '';

  it('runs reminders that fail over SMTP (password refused) and the webhook (500), and signs audit checkpoints', async () => {
    const raised = await http()
      .post('/recommendations')
      .set('Authorization', sent('secretariat'))
      .send(raiseBody({ commune: COMMUNE }));
    expect(raised.status).toBe(201);
    itemId = (raised.body as { id: string }).id;
    await http().post(`/recommendations/${itemId}/accept`).set('Authorization', sent('secretariat')).send({}).expect(200);
    const dueAt = new Date(Date.now() + 5_000).toISOString();
    await http()
      .post(`/recommendations/${itemId}/assign`)
      .set('Authorization', sent('secretariat'))
      .send({ department: DEPARTMENT, dueAt })
      .expect(200);
    const failures = await until('both notification channels to fail', () => {
      const failed = lines.filter((line) => line.includes('notification failed after every retry'));
      return failed.some((l) => l.includes('"email"')) && failed.some((l) => l.includes('"webhook"')) && failed;
    });
    expect(failures.length).toBeGreaterThanOrEqual(2);
    // The secret paths really ran: nodemailer offered the password, the webhook was signed.
    expect(receivers.smtpPasswordsSeen).toContain(SMTP_PASSWORD);
    expect(receivers.signatures.some((s) => /^sha256=[0-9a-f]{64}$/.test(s))).toBe(true);
    await until('an audit checkpoint', () => lines.some((line) => line.includes('audit checkpoint signed')));
  }, 40_000);

  it('keeps the failed notifications’ errors free of secrets in the stored history too', async () => {
    const res = await http().get('/audit/events').set('Authorization', sent('auditor'));
    expect(res.status).toBe(200);
    expect(res.text).toContain('NotificationFailed');
    expect(secretsIn(res.text, Object.values(tokens))).toEqual([]);
  });

  it('answers an internal error (a handler throwing a plain Error) with the bare error shape: no stack, path or inner message', async () => {
    const commands = app.get(RecommendationCommands);
    const spy = jest.spyOn(commands, 'execute').mockRejectedValueOnce(new Error('boom at /srv/secret/path/handler.ts:12:3'));
    try {
      const res = await http()
        .post(`/recommendations/${itemId}/progress`)
        .set('Authorization', sent('department'))
        .send(VALID_BODY.progress);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        code: 'INTERNAL',
        message: 'an unexpected error occurred; it has been logged',
      });
      expect(leakProblems(res)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    // …and it was logged (as an error, with its stack), for the operators.
    expect(lines.some((line) => line.includes('request failed') && line.includes('boom at /srv/secret/path'))).toBe(true);
  });

  it('answers the service’s own unexpected failures without a trace (deeply nested body, unreadable report date)', async () => {
    const depth = 5_000;
    const nested = await http()
      .post(`/recommendations/${itemId}/progress`)
      .set('Authorization', sent('department'))
      .set('Content-Type', 'application/json')
      .send(`{"note":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const report = await http().get('/reports/summary?from=2026-061').set('Authorization', sent('secretariat'));
    for (const res of [nested, report]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(leakProblems(res)).toEqual([]);
    }
  });

  it('refuses bad tokens without logging them', async () => {
    await http().get('/directory').set('Authorization', sent('expired')).expect(401);
    await http()
      .get('/directory')
      .set('Authorization', `Bearer ${tokens.secretariat.slice(0, -3)}xyz`)
      .expect(401);
    await http().get('/directory').set('Authorization', sent('secretariat')).expect(200);
  });

  it('signs people in and out, with a wrong password too, and an administrator changes a password', async () => {
    const identity = app.get(IdentityStoreProvider);
    const setup = await http()
      .post('/auth/setup')
      .send({ token: identity.issueSetupToken(Date.now()), username: 'admin', name: 'Quản trị viên', password: PASSWORDS[0] });
    expect(setup.status).toBe(201);
    const admin = {
      cookie: (setup.headers['set-cookie'] as unknown as string[])[0].split(';')[0],
      csrf: setup.body.csrfToken as string,
    };
    sessionSecrets.push(admin.cookie.split('=')[1], admin.csrf);
    const created = await http()
      .post('/admin/users')
      .set('Cookie', admin.cookie)
      .set('X-CSRF-Token', admin.csrf)
      .send({ username: 'can.bo', name: 'Cán bộ', role: 'department', department: DEPARTMENT, password: PASSWORDS[1] });
    expect(created.status).toBe(201);
    expect((await http().post('/auth/login').send({ username: 'can.bo', password: PASSWORDS[2] })).status).toBe(401);
    const officer = await http().post('/auth/login').send({ username: 'can.bo', password: PASSWORDS[1] });
    expect(officer.status).toBe(200);
    const cookie = (officer.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    sessionSecrets.push(cookie.split('=')[1], officer.body.csrfToken as string);
    await http()
      .post(`/admin/users/${created.body.id}/password`)
      .set('Cookie', admin.cookie)
      .set('X-CSRF-Token', admin.csrf)
      .send({ password: PASSWORDS[3] })
      .expect(200);
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(401);
    await http().post('/auth/logout').set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).expect(204);
  });

  it('answers 503 with the error shape once the event store is gone, and /health says down', async () => {
    await app.get<EventStore>(EVENT_STORE).close();
    const res = await http()
      .post(`/recommendations/${itemId}/progress`)
      .set('Authorization', sent('department'))
      .send(VALID_BODY.progress);
    expect(res.status).toBe(503);
    expect(leakProblems(res)).toEqual([]);
    const raised = await http().post('/recommendations').set('Authorization', sent('secretariat')).send(raiseBody());
    expect(raised.status).toBe(503);
    expect(leakProblems(raised)).toEqual([]);
    const health = await http().get('/health').set('Authorization', sent('auditor'));
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'down', eventStore: 'down' });
  });

  it('never wrote a secret, a bearer token or a key to the log, even at trace level', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((line) => line.includes('"level":50'))).toBe(true);
    const leaks = lines.flatMap((line, i) => secretsIn(line, Object.values(tokens)).map((name) => `line ${i + 1}: ${name}`));
    expect(leaks).toEqual([]);
    // Passwords, their hashes, session cookies and CSRF tokens: none in any line.
    expect(sessionSecrets.length).toBe(4);
    for (const secret of [...PASSWORDS, ...sessionSecrets, '$argon2id$']) {
      expect(lines.filter((line) => line.includes(secret)).length).toBe(0);
    }
    expect(lines.some((line) => line.includes('sign-in'))).toBe(true);
  });
});

describe('logs of the real server process in production (child process, stdout and stderr)', () => {
  const SMTP_URL = `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:2`;

  function baseEnv(dataDir: string): Record<string, string> {
    return {
      NODE_ENV: 'production',
      LOG_LEVEL: 'trace',
      AUTH_JWT_SECRET: JWT_SECRET,
      WEBHOOK_SECRET,
      AUDIT_SIGNING_KEY: SIGNING_KEY_PEM,
      SMTP_URL,
      DATA_DIR: dataDir,
      QUEUE_PREFIX: `logc${randomUUID().slice(0, 8)}`,
      REMINDERS: 'off',
    };
  }

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it('starts, serves requests with tokens and stops without printing a secret', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fut-logs-child-'));
    const port = await freePort();
    const env: Record<string, string> = { ...baseEnv(dataDir), PORT: String(port) };
    const child = spawnTs('apps/server/src/main.ts', [], env);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const secretariatToken = await sign(JWT_SECRET, { sub: 'clerk-1', role: 'secretariat' });
    const forged = await sign(`${JWT_SECRET}-forged`, { sub: 'x', role: 'secretariat' });
    try {
      await waitForLine(child, /Follow-up Tracker is listening/, 60_000);
      const base = `http://127.0.0.1:${port}`;
      const ok = await request(base)
        .post('/recommendations')
        .set('Authorization', `Bearer ${secretariatToken}`)
        .send(raiseBody());
      expect(ok.status).toBe(201);
      await request(base).get('/directory').set('Authorization', `Bearer ${forged}`).expect(401);
      const crash = await request(base)
        .post(`/recommendations/${(ok.body as { id: string }).id}/accept`)
        .set('Authorization', `Bearer ${secretariatToken}`)
        .set('Content-Type', 'application/json')
        .send(`{"note":${'['.repeat(5_000)}${']'.repeat(5_000)}}`);
      expect(leakProblems(crash)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(dataDir, { recursive: true, force: true });
      await deleteKeys(loadConfig({ ...env }).REDIS_URL, `${env.QUEUE_PREFIX}:*`);
    }
    expect(output).toContain('Follow-up Tracker is listening');
    expect(secretsIn(output, [secretariatToken, forged])).toEqual([]);
  }, 90_000);

  const URL_PASSWORD = `url-Pa55-${hex()}`;

  it.each([
    ['SMTP_URL', { SMTP_URL: `smtp:/${SMTP_USER}:${URL_PASSWORD}@mail.langson.example.gov.vn:587` }],
    ['REDIS_URL', { REDIS_URL: `redis//default:${URL_PASSWORD}@127.0.0.1:6379` }],
    [
      'EVENTSTORE_CONNECTION_STRING',
      { EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: `esdb//admin:${URL_PASSWORD}@127.0.0.1:2113` },
    ],
  ])(
    'refuses a malformed %s holding a password (a typo in the scheme) without echoing the password',
    async (_name, bad) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'fut-logs-config-'));
      const child = spawnTs('apps/server/src/main.ts', [], { ...baseEnv(dataDir), ...bad });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        expect(await exited(child)).toBe(1);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
      expect(output).toMatch(/Invalid configuration/);
      expect({ output, leaks: secretsIn(output, []), urlPasswordShown: output.includes(URL_PASSWORD) }).toEqual({
        output,
        leaks: [],
        urlPasswordShown: false,
      });
    },
    60_000,
  );
});
