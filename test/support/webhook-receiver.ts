import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, with the body exactly as it came over the wire. */
export interface Delivery {
  deliveryId: string;
  signature: string | undefined;
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookNotice;
  status: number;
  receivedAt: number;
}

/** The fields of a notice the tests look at (see `Notice` in libs/reminders). */
export interface WebhookNotice {
  kind: string;
  eventId: string;
  department: string;
  recommendation?: { id: string; title: string; dueAt: string };
  lead?: string;
  level?: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries about one recommendation, in the order received. */
  about(recommendationId: string): Delivery[];
  close(): Promise<void>;
}

/**
 * A local webhook endpoint standing in for a department's system. `answer` chooses the HTTP
 * status per notice, so one receiver can accept some items and refuse others.
 */
export async function startWebhookReceiver(answer: (notice: WebhookNotice) => number = () => 200): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: WebhookNotice;
      try {
        body = JSON.parse(raw) as WebhookNotice;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const status = answer(body);
      deliveries.push({
        deliveryId: String(req.headers['x-delivery-id']),
        signature: req.headers['x-signature'] as string | undefined,
        headers: req.headers,
        raw,
        body,
        status,
        receivedAt: Date.now(),
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'refused');
    });
  });
  // Deliveries are one request each; no keep-alive socket may hold close() up.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/follow-up`,
    deliveries,
    about: (id) => deliveries.filter((d) => d.body.recommendation?.id === id),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
