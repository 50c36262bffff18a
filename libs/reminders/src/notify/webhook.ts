import { createHmac } from 'node:crypto';

/** `sha256=<lowercase hex HMAC-SHA256 of the raw body keyed with the secret>`, as API.md defines it. */
export function signature(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export class DeliveryError extends Error {}

/**
 * POSTs a JSON notice. The body is serialised once and signed as sent; `X-Delivery-Id` lets a
 * receiver drop a repeated delivery. Anything but 2xx is a failure the job retries.
 */
export async function postWebhook(
  url: string,
  body: unknown,
  options: { secret?: string; deliveryId: string; timeoutMs?: number },
): Promise<void> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-delivery-id': options.deliveryId };
  if (options.secret) headers['x-signature'] = signature(raw, options.secret);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (error) {
    throw new DeliveryError(`webhook ${new URL(url).host} unreachable: ${(error as Error).message}`, { cause: error });
  }
  await response.body?.cancel();
  if (!response.ok) throw new DeliveryError(`webhook ${new URL(url).host} answered ${response.status}`);
}
