// Builders for the read side's response schemas (OpenAPI 3.0 style: `nullable: true`; the document is
// converted to 3.1 in one place). Objects are closed and every property is required unless named optional,
// so a schema says exactly what the view types say. The one list envelope is `pageSchema` (api-docs.ts).
import type { OpenAPIObject } from '@nestjs/swagger';
import { pageSchema } from '../../shared/api-docs';

export type Schema = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

type Example = string | number | boolean | null | string[] | Record<string, unknown>;
const described = (description?: string) => (description ? { description } : {});

export const string = (example: Example, description?: string): Schema => ({ type: 'string', example, ...described(description) });
export const nullableString = (example: Example, description?: string): Schema => ({ type: 'string', nullable: true, example, ...described(description) });
export const dateTime = (example: string, description?: string): Schema => ({ type: 'string', format: 'date-time', example, ...described(description) });
export const nullableDateTime = (example: string | null, description?: string): Schema => ({ type: 'string', format: 'date-time', nullable: true, example, ...described(description) });
export const integer = (example: number, description?: string): Schema => ({ type: 'integer', minimum: 0, example, ...described(description) });
export const nullableInteger = (example: number | null, description?: string): Schema => ({ type: 'integer', minimum: 0, nullable: true, example, ...described(description) });
export const number = (example: number, description?: string): Schema => ({ type: 'number', example, ...described(description) });
export const nullableNumber = (example: number | null, description?: string): Schema => ({ type: 'number', nullable: true, example, ...described(description) });
export const boolean = (example: boolean, description?: string): Schema => ({ type: 'boolean', example, ...described(description) });
export const nullableBoolean = (example: boolean | null, description?: string): Schema => ({ type: 'boolean', nullable: true, example, ...described(description) });
export const oneOfStrings = (values: readonly string[], example: string, description?: string): Schema => ({ type: 'string', enum: [...values], example, ...described(description) });
export const arrayOf = (items: Schema, example: Example[] | Example, description?: string): Schema => ({ type: 'array', items, example, ...described(description) });

/** A closed object: every property required but those named `optional`. */
export function object(properties: Record<string, Schema>, description?: string, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    ...described(description),
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
    additionalProperties: false,
  };
}

export const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });

/** The list envelope `{items, nextCursor}` with metadata fields beside it (all required). */
export function pageWith(item: Schema, metadata: Record<string, Schema>, description?: string): Schema {
  const page = pageSchema(item, description) as { required: string[]; properties: Record<string, Schema> };
  return { ...page, required: [...page.required, ...Object.keys(metadata)], properties: { ...page.properties, ...metadata } } as Schema;
}

/** A list that is never paged (bounded by nature): `nextCursor` is always null. */
export function wholeList(item: Schema, description: string, metadata: Record<string, Schema> = {}): Schema {
  const page = pageWith(item, metadata, description) as { properties: Record<string, Schema> };
  return { ...page, properties: { ...page.properties, nextCursor: { type: 'string', nullable: true, description: 'Always null: the whole list is in this answer', example: null } } } as Schema;
}
