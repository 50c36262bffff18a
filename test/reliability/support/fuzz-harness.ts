import { STATUS_CODES } from 'node:http';
import type { FuzzBody, FuzzHeaders, QueryPart } from './fuzz-arbitraries';

/**
 * Sends one fuzz request and checks it against API.md's contract. Violations are collected, not
 * thrown, so one run of 10,000 cases reports every distinct way the service breaks the contract
 * instead of stopping at the first.
 */

export interface SentRequest {
  method: string;
  path: string;
  tokenLabel: string;
  authorization: string | undefined;
  headers: FuzzHeaders;
  body: FuzzBody | undefined;
}

export interface Answer {
  status: number;
  contentType: string;
  etag: string | undefined;
  /** The response headers, where the check needs more than the ETag. */
  headers?: Record<string, string | undefined>;
  text: string;
  json: unknown;
}

export interface Violation {
  rule: string;
  route: string;
  status: number;
  code: string;
  detail: string;
  request: string;
}

/** Builds the path with its query; raw parts go unescaped so Express's own decoding sees them. */
export function withQuery(path: string, parts: QueryPart[]): string {
  if (parts.length === 0) return path;
  const query = parts
    .map((p) =>
      p.raw ? `${encodeURIComponent(p.key)}=${p.value}` : `${encodeURIComponent(p.key)}=${encodeURIComponent(p.value)}`,
    )
    .join('&');
  return `${path}?${query}`;
}

const clip = (text: string, max = 240) => (text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);

/** The request as one printable line: enough to replay it by hand. */
export function describeRequest(req: SentRequest): string {
  const headers = Object.entries(req.headers)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(clip(String(v), 80))}`)
    .join(' ');
  const body = req.body?.text === undefined ? 'no body' : `${req.body.kind} body ${JSON.stringify(clip(req.body.text))}`;
  return `${req.method} ${clip(req.path, 300)} token=${req.tokenLabel} ${headers} ${body}`;
}

/** Is the body going to be parsed as JSON by the service (`application/json`, UTF-8, no content coding)? */
export function parsedAsJson(headers: FuzzHeaders): boolean {
  if (headers.contentEncoding !== undefined && headers.contentEncoding !== 'identity') return false;
  const [type, ...params] = (headers.contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8');
}

/** API.md's `If-Match: "<revision>"`, as the service reads it (W/"3", "3" and 3 too). */
export function ifMatchRevision(header: string | undefined): number | null {
  if (header === undefined) return null;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  return match ? Number(match[1]) : null;
}

const ERROR_KEYS = ['code', 'error', 'message', 'statusCode'];
const CODE = /^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)*$/;
const STACK = /\n\s+at\s|\bat\s+\S+\s+\([^)]*:\d+:\d+\)|\/[\w./-]+\.(?:ts|js):\d+|node_modules\//;

/** API.md's error shape: exactly `{ statusCode, error, code, message }`, statusCode = HTTP status, no stack. */
export function errorShapeProblems(answer: Answer): string[] {
  const problems: string[] = [];
  if (!answer.contentType.startsWith('application/json')) problems.push(`content-type "${answer.contentType}"`);
  const body = answer.json as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    problems.push(`body is not a JSON object: ${JSON.stringify(clip(answer.text, 120))}`);
    return problems;
  }
  const keys = Object.keys(body).sort();
  if (keys.join(',') !== ERROR_KEYS.join(',')) problems.push(`keys ${keys.join(',')}`);
  if (body.statusCode !== answer.status) problems.push(`statusCode ${String(body.statusCode)} ≠ HTTP ${answer.status}`);
  if (body.error !== STATUS_CODES[answer.status]) problems.push(`error "${String(body.error)}"`);
  if (typeof body.code !== 'string' || !CODE.test(body.code)) problems.push(`code ${JSON.stringify(body.code)}`);
  if (typeof body.message !== 'string' || body.message === '') problems.push(`message ${JSON.stringify(body.message)}`);
  if (STACK.test(answer.text)) problems.push('stack trace or file path in the body');
  return problems;
}

/** Collects violations, grouped by what went wrong, with a few example requests each. */
export class ViolationLog {
  private readonly groups = new Map<string, { count: number; examples: Violation[] }>();

  add(violation: Violation): void {
    const key = `${violation.rule} | ${violation.route} → ${violation.status} ${violation.code}`;
    const group = this.groups.get(key) ?? { count: 0, examples: [] };
    group.count++;
    if (group.examples.length < 2) group.examples.push(violation);
    this.groups.set(key, group);
  }

  get size(): number {
    return this.groups.size;
  }

  report(seed: number): string {
    const lines = [`${this.groups.size} distinct contract violation(s) (seed ${seed}; replay with FUZZ_SEED=${seed}):`];
    for (const [key, group] of this.groups) {
      lines.push(`- ${key}  ×${group.count}`);
      for (const example of group.examples) lines.push(`    ${example.detail}\n      ${example.request}`);
    }
    return lines.join('\n');
  }
}
