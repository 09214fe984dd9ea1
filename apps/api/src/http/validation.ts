// class-validator everywhere: unknown fields are refused (forbidNonWhitelisted), types are checked,
// and the refusal is a problem listing every field at fault.
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { Problem } from './problem';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
const MEMOISED = Symbol('mentoring:memoised-target-metadatas');

/**
 * class-validator looks up the rules of a class on every validation of an object of it (the body and each nested
 * object, and once more in the pipe's binary check): a filter of the class's rules and a walk over every validated
 * class in the process (`instanceof` each) for inherited ones — about a tenth of a validated request. The answer
 * only changes when rules are added (classes are decorated when their module loads), so it is kept per class and
 * options until then. Lookups with groups (unused here) are passed through.
 */
export function memoiseTargetValidationMetadatas(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [MEMOISED]?: true };
  if (marked[MEMOISED]) return;
  marked[MEMOISED] = true;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let memo = new Map<unknown, Map<string, ReturnType<MetadataStorage['getTargetValidationMetadatas']>>>();
  storage.addValidationMetadata = (metadata) => {
    memo = new Map();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups && groups.length > 0) return lookUp(target, schema, always, strictGroups, groups);
    let byOptions = memo.get(target);
    if (!byOptions) memo.set(target, (byOptions = new Map()));
    const key = `${schema}\u0000${always}\u0000${strictGroups}`;
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookUp(target, schema, always, strictGroups, groups)));
    return found;
  };
}

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
  memoiseTargetValidationMetadatas();
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new Problem(400, 'validation_failed', 'Bad Request', 'The request body is not valid.', { errors: flatten(errors) }),
  });
}
