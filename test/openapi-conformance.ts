// Validates real answers against the served OpenAPI document, as test/openapi-contract.e2e-spec.ts does
// (validatorFor / expectConforms), for the suites that exercise other endpoints: ajv over the documented
// schema of an operation's response, the components' $refs resolved.
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Answer, TestApp } from './support/test-app';

type AnyObject = Record<string, any>;

export type ExpectConforms = (operationId: string, answer: Answer, media?: string) => void;

/** Reads the document once; the returned function asserts that `answer` is what the document says. */
export async function conformanceTo(t: TestApp): Promise<ExpectConforms> {
  const document: AnyObject = (await t.request('GET', '/docs-json')).body;
  const operations = Object.values(document.paths as Record<string, Record<string, AnyObject>>).flatMap((methods) => Object.values(methods));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document.components }, 'openapi.json');
  const compiled = new Map<string, ValidateFunction>();

  function validatorFor(operationId: string, status: number, media: string): ValidateFunction {
    const key = `${operationId} ${status} ${media}`;
    const known = compiled.get(key);
    if (known) return known;
    const schema = operations.find((o) => o.operationId === operationId)?.responses?.[status]?.content?.[media]?.schema;
    expect({ operationId, status, media, documented: schema !== undefined }).toEqual({ operationId, status, media, documented: true });
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/')));
    compiled.set(key, validate);
    return validate;
  }

  return (operationId, answer, media = answer.status < 400 ? 'application/json' : 'application/problem+json') => {
    const validate = validatorFor(operationId, answer.status, media);
    validate(answer.body);
    expect({ operationId, status: answer.status, errors: validate.errors ?? [] }).toEqual({ operationId, status: answer.status, errors: [] });
  };
}
