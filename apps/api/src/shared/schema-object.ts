// The type of a JSON Schema in the OpenAPI document, for the response schemas written beside the use cases
// (@nestjs/swagger does not export SchemaObject from its entry point).
import type { OpenAPIObject } from '@nestjs/swagger';

export type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
