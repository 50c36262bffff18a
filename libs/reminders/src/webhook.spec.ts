import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryError, postWebhook, signature } from './notify/webhook';

describe('signature', () => {
  it('matches the RFC 4231 HMAC-SHA256 test vector, in the sha256=<lowercase hex> form of API.md', () => {
    // RFC 4231, test case 2.
    expect(signature('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs the exact bytes: the same JSON serialised differently has another signature', () => {
    expect(signature('{"a":1}', 'k')).not.toBe(signature('{ "a": 1 }', 'k'));
  });
});

describe('postWebhook', () => {
  let server: Server;
  let url: string;
  let status = 200;
  const received: Array<{ headers: IncomingHttpHeaders; raw: Buffer }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  it('sends the body it signed: a receiver recomputing the HMAC over the raw bytes agrees, accents included', async () => {
    const notice = { kind: 'ReminderSent', recommendation: { title: 'Nâng cấp trụ sở phường Lạng Sơn' } };
    await postWebhook(url, notice, { secret: 's3cret', deliveryId: 'evt-1-webhook' });
    const [{ headers, raw }] = received;
    expect(headers['x-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(raw).digest('hex')}`);
    expect(headers['x-delivery-id']).toBe('evt-1-webhook');
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(raw.toString('utf8'))).toEqual(notice);
  });

  it('sends no signature when no secret is configured', async () => {
    await postWebhook(url, { kind: 'DailyDigest' }, { deliveryId: 'd' });
    expect(received[0].headers['x-signature']).toBeUndefined();
  });

  it('fails with a DeliveryError on a non-2xx answer or an unreachable host, so the job retries', async () => {
    status = 500;
    await expect(postWebhook(url, {}, { deliveryId: 'd' })).rejects.toThrow(
      new DeliveryError('webhook ' + new URL(url).host + ' answered 500'),
    );
    const closedPort = `http://127.0.0.1:1/hook`;
    await expect(postWebhook(closedPort, {}, { deliveryId: 'd' })).rejects.toBeInstanceOf(DeliveryError);
  });
});
