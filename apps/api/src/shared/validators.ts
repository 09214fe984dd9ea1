// Field validators shared by the command DTOs: the same value rules as the domain (libs/domain
// shared/values.ts), checked at the edge so that a malformed value is a 400 naming the field.
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches, ValidateBy, ValidationOptions, buildMessage } from 'class-validator';
import { isIsoDate, isIsoInstant } from '@mentoring/domain';

/** An ISO-8601 instant with an explicit offset, e.g. `2027-03-02T10:00:00Z` (a bare date or local time is refused). */
export function IsIsoInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoInstant',
      validator: {
        validate: (value: unknown) => isIsoInstant(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an ISO-8601 instant with an offset, e.g. 2027-03-02T10:00:00Z`, options),
      },
    },
    options,
  );
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isIsoDate(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a calendar date YYYY-MM-DD`, options),
      },
    },
    options,
  );
}

/** A free text of `min`–`max` characters that is not only blanks. */
export function IsText(max: number, min = 1): PropertyDecorator {
  return applyDecorators(IsString(), Length(min, max), Matches(/\S/, { message: '$property must not be blank' }));
}
