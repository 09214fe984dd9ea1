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

/** C0 and C1 control characters (NUL…US, DEL, 0x80–0x9F), line breaks and tabs among them. */
export const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;

/** No control character: a name goes into e-mail headers and documents, where a line break or a tab is never meant. */
export function HasNoControlCharacters(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasNoControlCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !CONTROL_CHARACTERS.test(value),
        defaultMessage: buildMessage((each) => `${each}$property must not contain control characters (line breaks, tabs and the like)`, options),
      },
    },
    options,
  );
}

/** A person's or an organisation's name: 1–`max` characters, not only blanks, no control character. */
export function IsName(max = 200): PropertyDecorator {
  return applyDecorators(IsString(), Length(1, max), HasNoControlCharacters());
}
