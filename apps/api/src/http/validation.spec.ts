// The validation pipe keeps class-validator's rule lookups per class: the same rules, found once, and rules added
// later (a class decorated after the first lookup) are seen.
import 'reflect-metadata';
import { IsInt, IsString, MetadataStorage, ValidateNested, validate } from 'class-validator';
import { Type } from 'class-transformer';
import { createValidationPipe, memoiseTargetValidationMetadatas } from './validation';

class Base {
  @IsString()
  id!: string;
}

class Child extends Base {
  @IsInt()
  count!: number;
}

class Holder {
  @ValidateNested()
  @Type(() => Child)
  child!: Child;
}

describe('memoised rule lookups', () => {
  it('answer what the plain lookup answers, inherited rules included, and once per class and options', () => {
    const storage = new MetadataStorage();
    const plain = new MetadataStorage();
    const global = (globalThis as { classValidatorMetadataStorage?: MetadataStorage }).classValidatorMetadataStorage!;
    for (const target of [Base, Child, Holder]) {
      for (const metadata of global.getTargetValidationMetadatas(target, '', true, false).filter((m) => m.target === target)) {
        storage.addValidationMetadata(metadata);
        plain.addValidationMetadata(metadata);
      }
    }
    memoiseTargetValidationMetadatas(storage);
    for (const target of [Base, Child, Holder]) {
      const first = storage.getTargetValidationMetadatas(target, undefined as unknown as string, false, false);
      expect(first).toEqual(plain.getTargetValidationMetadatas(target, undefined as unknown as string, false, false));
      expect(storage.getTargetValidationMetadatas(target, undefined as unknown as string, false, false)).toBe(first);
    }
    expect(storage.getTargetValidationMetadatas(Child, '', false, false).map((m) => m.propertyName).sort()).toEqual(['count', 'id']);

    const before = storage.getTargetValidationMetadatas(Child, '', false, false);
    const [extra] = global.getTargetValidationMetadatas(Base, '', true, false);
    storage.addValidationMetadata({ ...extra, propertyName: 'late' } as typeof extra);
    const after = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(after).not.toBe(before);
    expect(after.map((m) => m.propertyName).sort()).toEqual(['count', 'id', 'late']);
  });

  it('the pipe still refuses what the rules refuse, nested and inherited', async () => {
    createValidationPipe();
    const refused = Object.assign(new Holder(), { child: Object.assign(new Child(), { id: 1, count: 'x' }) });
    const errors = await validate(refused);
    expect(errors[0].children!.map((e) => e.property).sort()).toEqual(['count', 'id']);
    const accepted = Object.assign(new Holder(), { child: Object.assign(new Child(), { id: 'a', count: 2 }) });
    expect(await validate(accepted)).toEqual([]);
  });
});
