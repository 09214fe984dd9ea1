// E-mail templates kept in the repository (libs/reactors/templates/*.txt): the first line is
// `Subject: …`, then a blank line and the body. `{{name}}` is replaced by the value given; a
// placeholder without a value is an error (a bug to fix, not a message to send half-filled).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

export interface RenderedMail {
  subject: string;
  text: string;
}

const cache = new Map<string, string>();

function load(name: string): string {
  let source = cache.get(name);
  if (source === undefined) {
    source = fs.readFileSync(path.join(TEMPLATES_DIR, `${name}.txt`), 'utf8');
    cache.set(name, source);
  }
  return source;
}

export function render(name: string, values: Record<string, string | number>): RenderedMail {
  const source = load(name);
  const filled = source.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    return String(value);
  });
  const match = /^Subject: (.*)\r?\n\r?\n([\s\S]*)$/.exec(filled);
  if (!match) throw new Error(`template ${name} must start with "Subject: …" and a blank line`);
  return { subject: match[1].trim(), text: match[2] };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `Monday 11 January 2027` (UTC; no locale data, so the text is the same on every machine). */
export function formatDay(isoOrDate: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? `${isoOrDate}T00:00:00Z` : isoOrDate);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `Monday 11 January 2027 at 10:00 UTC`. */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${formatDay(iso)} at ${time} UTC`;
}
