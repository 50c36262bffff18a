/**
 * Sign-in under load: 8 requests always in flight, every one a valid `POST /auth/login` over 20
 * accounts in turn (only failures count towards the lock-out, so none is ever locked), against
 * the built service; next to a bare argon2id verify of one hash in this process, with the same
 * parameters, the same 8 in flight and the same loop, so the ratio shows what the service adds to
 * the hash. The two take turns in short rounds while the service is up: a machine that gets busier
 * or quieter meanwhile weighs on both alike, and they never share the CPUs.
 * The accounts come the way people's do: the setup token from the start log, the first
 * administrator, then `POST /admin/users` with the administrator's cookie and CSRF token.
 * Usage: npm run bench:auth [-- --seconds 10]
 */
import { hash, verify } from '@node-rs/argon2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ARGON2_OPTIONS } from '../libs/identity/src/password-hasher';
import { machine, percentile, printTable, type Row } from './bench-support';
import { startService } from './service-process';

const ACCOUNTS = 20;
const IN_FLIGHT = 8;
const ROUNDS = 5;
const PASSWORD = 'mật khẩu của bàn làm việc 2026';
const PARAMETERS = `argon2id m=${ARGON2_OPTIONS.memoryCost / 1024} MiB t=${ARGON2_OPTIONS.timeCost} p=${ARGON2_OPTIONS.parallelism}`;

/** The one-time setup token of the start log (`…/app/setup#token=<token>`), as the lines come. */
function setupTokenWatcher() {
  let found: (token: string) => void = () => undefined;
  const token = new Promise<string>((resolve) => (found = resolve));
  return {
    onStdoutLine: (line: string) => {
      const match = /\/app\/setup#token=([A-Za-z0-9_-]+)/.exec(line);
      if (match) found(match[1]);
    },
    token: (timeoutMs = 10_000) =>
      Promise.race([
        token,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no setup link in the start log')), timeoutMs).unref(),
        ),
      ]),
  };
}

async function postJson(url: string, body: object, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res;
}

function sessionCookie(res: Response): string | undefined {
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('fut_session='))
    ?.split(';')[0];
}

/** Latencies (ms) of the operations that succeeded, the failures, and the time spent (s). */
interface Sample {
  seconds: number;
  latencies: number[];
  failures: number;
}

/** `inFlight` operations always running for `seconds`; `once` answers whether one succeeded. */
async function load(seconds: number, inFlight: number, once: () => Promise<boolean>, into: Sample): Promise<void> {
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const ok = await once().catch(() => false);
        if (ok) into.latencies.push(performance.now() - t);
        else into.failures++;
      }
    }),
  );
  into.seconds += (performance.now() - started) / 1000;
}

export async function benchAuth(seconds: number): Promise<Row[]> {
  const stored = await hash(PASSWORD, ARGON2_OPTIONS);
  const bare: Sample = { seconds: 0, latencies: [], failures: 0 };
  const logins: Sample = { seconds: 0, latencies: [], failures: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'fut-bench-auth-'));
  const setup = setupTokenWatcher();
  const service = await startService(dir, {}, { onStdoutLine: setup.onStdoutLine });
  try {
    const admin = await postJson(`${service.url}/auth/setup`, {
      token: await setup.token(),
      username: 'bench.admin',
      name: 'Bench administrator',
      password: PASSWORD,
    });
    const { csrfToken } = (await admin.json()) as { csrfToken: string };
    const asAdmin = { cookie: sessionCookie(admin) ?? '', 'x-csrf-token': csrfToken };
    const usernames = Array.from({ length: ACCOUNTS }, (_, i) => `bench.clerk${String(i).padStart(2, '0')}`);
    for (const username of usernames) {
      await postJson(
        `${service.url}/admin/users`,
        { username, name: `Bench clerk ${username}`, role: 'secretariat', password: PASSWORD },
        asAdmin,
      );
    }
    // The accounts in turn: the requests in flight at once are for different accounts.
    let next = 0;
    const login = async () => {
      const res = await fetch(`${service.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: usernames[next++ % ACCOUNTS], password: PASSWORD }),
      });
      await res.arrayBuffer();
      return res.status === 200 && sessionCookie(res) !== undefined;
    };
    // Each account signs in once first (and both paths warm up): a refusal here ends the run.
    for (let i = 0; i < ACCOUNTS; i++) if (!(await login())) throw new Error('a sign-in was refused before the run');
    await verify(stored, PASSWORD);

    for (let round = 0; round < ROUNDS; round++) {
      await load(seconds / ROUNDS, IN_FLIGHT, () => verify(stored, PASSWORD), bare);
      await load(seconds / ROUNDS, IN_FLIGHT, login, logins);
    }
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const bareRate = bare.latencies.length / bare.seconds;
  const rate = logins.latencies.length / logins.seconds;
  const p99 = (s: Sample) => percentile(s.latencies, 99);
  return [
    {
      scenario: 'sign-in',
      figure: `bare ${PARAMETERS} verify (${IN_FLIGHT} in flight, ${seconds}s)`,
      value: bareRate,
      unit: 'verifies/s',
    },
    { scenario: 'sign-in', figure: 'bare verify p99', value: p99(bare), unit: 'ms' },
    {
      scenario: 'sign-in',
      figure: `POST /auth/login (${PARAMETERS}, ${IN_FLIGHT} in flight, ${ACCOUNTS} accounts, ${seconds}s)`,
      value: rate,
      unit: 'logins/s',
      baseline: `bare ${PARAMETERS.split(' ')[0]} verify`,
      ratio: rate / bareRate,
    },
    {
      scenario: 'sign-in',
      figure: 'POST /auth/login p99',
      value: p99(logins),
      unit: 'ms',
      baseline: 'bare verify p99',
      ratio: p99(logins) / p99(bare),
    },
    { scenario: 'sign-in', figure: 'refused or failed sign-ins', value: logins.failures + bare.failures, unit: 'requests' },
  ];
}

if (require.main === module) {
  const i = process.argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(process.argv[i + 1]) : 10;
  void benchAuth(seconds).then((rows) => {
    console.log(`machine: ${JSON.stringify(machine())}`);
    printTable(rows);
  });
}
