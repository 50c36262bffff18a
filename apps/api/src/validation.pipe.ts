import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function messages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`,
    );
    return [...own, ...messages(e.children ?? [], path)];
  });
}

/** class-validator on every body and query: unknown fields are refused, nothing is coerced silently. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException({ code: 'VALIDATION.FAILED', message: messages(errors).join('; ') }),
  });
}
