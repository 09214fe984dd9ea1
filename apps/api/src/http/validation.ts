// class-validator everywhere: unknown fields are refused (forbidNonWhitelisted), types are checked,
// and the refusal is a problem listing every field at fault.
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { Problem } from './problem';

function flatten(errors: ValidationError[], parent = ''): Array<{ field: string; problems: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * class-transformer walks a body before class-validator sees it, and some shapes make it throw (a discriminated
 * union given an array holding null: `funding: [null]` read `.kind` of null). Such a body is the client's error:
 * 400 validation_failed naming the body, never a 500.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof Problem) throw error;
      if (error instanceof TypeError || error instanceof RangeError) {
        throw new Problem(400, 'validation_failed', 'Bad Request', 'The request body is not valid.', {
          errors: [{ field: metadata.data ?? '(body)', problems: ['a value has a shape this field does not accept (an object was expected)'] }],
        });
      }
      throw error;
    }
  }
}

export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new Problem(400, 'validation_failed', 'Bad Request', 'The request body is not valid.', { errors: flatten(errors) }),
  });
}
