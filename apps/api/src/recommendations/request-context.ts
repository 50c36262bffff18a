import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';

/** `If-Match: "3"` (also W/"3" or 3) → 3; absent → null. */
export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return null;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) throw new BadRequestException({ code: 'VALIDATION.IF_MATCH', message: 'If-Match must be a revision such as "3"' });
  return Number(match[1]);
}

/** X-Correlation-Id when the caller sent a sensible one, else a new id. */
export function correlationId(request: Request): string {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}
