// Keeps docs/event-catalogue.md and the event registry from drifting apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_SCHEMA_VERSIONS, EVENT_STREAM_CATEGORIES, EventType } from './events';

interface CatalogueRow {
  type: string;
  stream: string;
  version: number;
  rules: string;
}

function readCatalogue(): CatalogueRow[] {
  const markdown = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'event-catalogue.md'), 'utf8');
  return markdown
    .split('\n')
    .map((line) => /^\|\s*`([A-Za-z]+)`\s*\|\s*([a-z-]+)\s*\|\s*(\d+)\s*\|\s*([^|]*)\|/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, type, stream, version, rules]) => ({ type, stream, version: Number(version), rules: rules.trim() }));
}

describe('docs/event-catalogue.md', () => {
  const rows = readCatalogue();
  const listed = rows.map((r) => r.type);

  it('lists every event type of the registry', () => {
    const missing = Object.keys(EVENT_SCHEMA_VERSIONS).filter((type) => !listed.includes(type));
    expect(missing).toEqual([]);
  });

  it('lists no event type that does not exist', () => {
    const unknown = listed.filter((type) => !(type in EVENT_SCHEMA_VERSIONS));
    expect(unknown).toEqual([]);
  });

  it('lists each event type once', () => {
    expect(listed.filter((type, i) => listed.indexOf(type) !== i)).toEqual([]);
  });

  it('gives the current schema version and stream of each event type', () => {
    const documented = Object.fromEntries(rows.map((r) => [r.type, { version: r.version, stream: r.stream }]));
    const expected = Object.fromEntries(
      (Object.keys(EVENT_SCHEMA_VERSIONS) as EventType[]).map((t) => [t, { version: EVENT_SCHEMA_VERSIONS[t], stream: EVENT_STREAM_CATEGORIES[t] }]),
    );
    expect(documented).toEqual(expected);
  });

  it('names the rule(s) each event serves', () => {
    expect(rows.filter((r) => !/R\d+/.test(r.rules)).map((r) => r.type)).toEqual([]);
  });
});
