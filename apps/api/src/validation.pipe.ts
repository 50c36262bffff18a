import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

/** Deeper than any request of API.md needs; far below what would exhaust the stack while validating. */
export const MAX_BODY_DEPTH = 32;

function messages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`,
    );
    return [...own, ...messages(e.children ?? [], path)];
  });
}

/**
 * Checks, without recursion, that a parsed body is not absurdly deep and names no property that
 * every object inherits (`constructor`, `__proto__`, `toString`…): class-validator's whitelist
 * does not see those, and a deep body would overflow the stack of the validators.
 */
function assertPlainShape(value: unknown): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_BODY_DEPTH)
      throw new BadRequestException({
        code: 'VALIDATION.TOO_DEEP',
        message: `the body nests deeper than ${MAX_BODY_DEPTH} levels`,
      });
    for (const key of Object.keys(node)) {
      if (key in Object.prototype || key === 'prototype')
        throw new BadRequestException({ code: 'VALIDATION.FAILED', message: `property ${key} should not exist` });
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
}

/** class-validator on every body and query: unknown fields are refused, nothing is coerced silently. */
class SafeValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertPlainShape(value);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new SafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException({ code: 'VALIDATION.FAILED', message: messages(errors).join('; ') }),
  });
}
