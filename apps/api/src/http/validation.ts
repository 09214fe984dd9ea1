// class-validator everywhere: unknown fields are refused (forbidNonWhitelisted), types are checked,
// and the refusal is a problem listing every field at fault.
import { ValidationError, ValidationPipe } from '@nestjs/common';
import { Problem } from './problem';

function flatten(errors: ValidationError[], parent = ''): Array<{ field: string; problems: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new Problem(400, 'validation_failed', 'Bad Request', 'The request body is not valid.', { errors: flatten(errors) }),
  });
}
