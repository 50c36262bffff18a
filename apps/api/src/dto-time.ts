import { ValidateBy } from 'class-validator';

/** A date (YYYY-MM-DD) or a time with an offset: the forms `new Date` reads the same everywhere. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO 8601 date or time that names one real instant (week dates, ordinal dates, bare hours and 2026-13-45 are refused). */
export const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)),
      defaultMessage: () => '$property must be a date such as 2026-03-02 or a time with offset such as 2026-03-02T09:00:00+07:00',
    },
  });
