// The served document loads in the standard tools: every `$ref` resolves to a defined component (the
// Problem schema included), and the funding `oneOf` maps each `kind` value to its schema.
import { startTestApp, TestApp } from './support/test-app';

function refsIn(node: unknown, at = '#', out: Array<{ ref: string; at: string }> = []): Array<{ ref: string; at: string }> {
  if (Array.isArray(node)) node.forEach((item, i) => refsIn(item, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push({ ref: value, at });
      else refsIn(value, `${at}/${key}`, out);
    }
  }
  return out;
}

function resolve(document: any, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, part) => (node && typeof node === 'object' ? node[part] : undefined), document);
}

/** Every schema object in the document with a discriminator on `kind`. */
function discriminated(node: unknown, out: any[] = []): any[] {
  if (Array.isArray(node)) node.forEach((item) => discriminated(item, out));
  else if (node && typeof node === 'object') {
    if ((node as any).discriminator?.propertyName === 'kind') out.push(node);
    Object.values(node).forEach((value) => discriminated(value, out));
  }
  return out;
}

describe('OpenAPI document references', () => {
  let t: TestApp;
  let document: any;

  beforeAll(async () => {
    t = await startTestApp();
    const answer = await t.request('GET', '/docs-json');
    expect(answer.status).toBe(200);
    document = answer.body;
  });
  afterAll(() => t.close());

  it('resolves every $ref to a defined component', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter(({ ref }) => !ref.startsWith('#/components/') || resolve(document, ref) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('defines the RFC 9457 Problem schema the error answers reference', () => {
    const problem = document.components.schemas.Problem;
    expect(problem).toMatchObject({ type: 'object', required: expect.arrayContaining(['type', 'title', 'status', 'code']) });
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']));
    expect(problem.properties.status.type).toBe('integer');
    expect(problem.properties.errors).toMatchObject({ type: 'array', items: { properties: { field: { type: 'string' }, problems: { type: 'array' } } } });
    expect(refsIn(document).filter(({ ref }) => ref === '#/components/schemas/Problem').length).toBeGreaterThan(0);
  });

  it('maps each funding kind to a defined schema whose kind is that value', () => {
    const enrol = document.paths['/students'].post.requestBody.content['application/json'].schema;
    const body = resolve(document, enrol.$ref) as any;
    const funding = body.properties.funding;
    expect(funding.discriminator.propertyName).toBe('kind');
    const mapping: Record<string, string> = funding.discriminator.mapping;
    expect(Object.keys(mapping).sort()).toEqual(['apprenticeship', 'employee', 'self_funded', 'social_programme']);
    for (const [kind, ref] of Object.entries(mapping)) {
      const schema = resolve(document, ref) as any;
      expect(schema).toBeDefined();
      expect(schema.properties.kind.enum).toEqual([kind]);
    }
    expect(funding.oneOf.map((s: { $ref: string }) => s.$ref).sort()).toEqual(Object.values(mapping).sort());
    // No other discriminator on `kind` is left without its mapping.
    for (const schema of discriminated(document)) expect(Object.keys(schema.discriminator.mapping ?? {}).length).toBeGreaterThan(0);
  });
});
