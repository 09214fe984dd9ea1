// Path ids: opaque strings of safe characters; anything else is a 400, never a lookup.
import { Param, PipeTransform } from '@nestjs/common';
import { Problem } from '../http/problem';

const ID = /^[A-Za-z0-9_-]{1,100}$/;

class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}
  transform(value: string): string {
    if (!ID.test(value)) throw new Problem(400, 'invalid_id', 'Bad Request', `${this.name} must be 1–100 letters, digits, '-' or '_'.`);
    return value;
  }
}

export const IdParam = (name: string) => Param(name, new IdPipe(name));
