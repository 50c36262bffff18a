import { ValidateBy } from 'class-validator';
import { INSTANT_FORMAT, isInstant, isLocalDate } from '@app/common';

/** A time in the one strict form every route reads (see `parseInstant`): query parameters and body fields alike. */
export const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => isInstant(value),
      defaultMessage: () => `$property must be ${INSTANT_FORMAT}`,
    },
  });

/** A real calendar date written YYYY-MM-DD (2026-02-30 and 9999-99-99 are refused). */
export const IsCalendarDate = () =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => isLocalDate(value),
      defaultMessage: () => '$property must be a real calendar date such as 2025-08-12',
    },
  });
