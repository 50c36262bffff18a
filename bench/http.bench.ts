/**
 * HTTP commands under load: autocannon, 50 connections, a realistic mix (each connection raises an
 * item, accepts, assigns, reports progress and resolves it, with valid tokens), against the built
 * service on the embedded store; next to autocannon on GET /health of the same process.
 * Usage: npm run build && node -r @swc-node/register bench/http.bench.ts [--seconds 15]
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../libs/common/src/auth/mint-token';
import { machine, printTable, type Row } from './bench-support';
import { BENCH_SECRET, startService } from './service-process';

type Result = autocannon.Result;

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
}

export async function benchHttp(seconds: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fut-bench-http-'));
  const service = await startService(dir);
  try {
    const secretariat = `Bearer ${await mintToken(BENCH_SECRET, { sub: 'bench-clerk', role: 'secretariat' })}`;
    const department = `Bearer ${await mintToken(BENCH_SECRET, { sub: 'bench-officer', role: 'department', department: 'home-affairs' })}`;
    const dueAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const json = { 'content-type': 'application/json' };
    const withId = (path: string, auth: string, body: object) => ({
      method: 'POST' as const,
      headers: { ...json, authorization: auth },
      body: JSON.stringify(body),
      setupRequest: (req: autocannon.Request, context: object) => ({
        ...req,
        path: `/recommendations/${String((context as Record<string, unknown>).id)}/${path}`,
      }),
    });
    const connections = 50;
    const health = await run({
      url: service.url,
      connections,
      duration: seconds,
      requests: [{ method: 'GET', path: '/health' }],
    });
    const commands = await run({
      url: service.url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/recommendations',
          headers: { ...json, authorization: secretariat },
          body: JSON.stringify({
            commune: 'tam-thanh',
            title: 'Second IT staff to the ward',
            description: 'One officer runs every system.',
            category: 'it-network',
            workingGroup: 1,
          }),
          onResponse: (_status: number, body: string, context: object) => {
            (context as Record<string, unknown>).id = (JSON.parse(body) as { id: string }).id;
          },
        },
        withId('accept', secretariat, { note: 'to the competent department' }),
        withId('assign', secretariat, { department: 'home-affairs', dueAt }),
        withId('progress', department, { note: 'survey under way' }),
        withId('resolve', department, { resolution: 'seconded for six months' }),
      ],
    });
    const rate = (r: Result) => r.requests.average;
    const errors = commands.non2xx + commands.errors + commands.timeouts;
    return [
      { scenario: 'http', figure: 'GET /health', value: rate(health), unit: 'req/s' },
      { scenario: 'http', figure: 'GET /health p99', value: health.latency.p99, unit: 'ms' },
      {
        scenario: 'http',
        figure: `commands (mix, ${connections} conn, ${seconds}s)`,
        value: rate(commands),
        unit: 'req/s',
        baseline: 'GET /health',
        ratio: rate(commands) / rate(health),
      },
      {
        scenario: 'http',
        figure: 'commands p50',
        value: commands.latency.p50,
        unit: 'ms',
        baseline: 'health p50',
        ratio: commands.latency.p50 / Math.max(health.latency.p50, 0.01),
      },
      {
        scenario: 'http',
        figure: 'commands p99',
        value: commands.latency.p99,
        unit: 'ms',
        baseline: 'health p99',
        ratio: commands.latency.p99 / Math.max(health.latency.p99, 0.01),
      },
      { scenario: 'http', figure: 'commands max', value: commands.latency.max, unit: 'ms' },
      { scenario: 'http', figure: 'command errors (non-2xx, errors, timeouts)', value: errors, unit: 'requests' },
    ];
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(process.argv[i + 1]) : 15;
  void benchHttp(seconds).then((rows) => {
    console.log(`machine: ${JSON.stringify(machine())}`);
    printTable(rows);
  });
}
