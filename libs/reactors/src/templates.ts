// E-mail templates kept in the repository (libs/reactors/templates/*.txt): the body only. `{{name}}` is
// replaced by the value given; a placeholder without a value is an error (a bug to fix, not a message to
// send half-filled). Headers are never rendered from text: the subject is built here from the same values,
// on one line (control characters become spaces), and nodemailer encodes it, the addresses, Message-ID
// and Date from data (mailer.ts). A name with a line break (refused at the API since, but possibly stored
// before) therefore cannot break a header, nor lose the message.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

export interface RenderedMail {
  subject: string;
  text: string;
}

type Values = Record<string, string | number>;

/** Each template's subject, from the values its body gets. */
const SUBJECTS: Record<string, (v: Values) => string> = {
  'assignment-email': (v) => `New student: ${v.studentName} (${v.trainingPath})`,
  'follow-up-requested': (v) => `Follow-up needed: ${v.studentName} (${v.reasonLabel})`,
  'session-booked': (v) => `${v.sessionLabel} booked: ${v.when}`,
  'session-reminder': (v) => `Reminder: ${v.sessionLabelLower} on ${v.when}`,
  'session-rescheduled': (v) => `Session moved to ${v.when}`,
};

const cache = new Map<string, string>();

function load(name: string): string {
  let source = cache.get(name);
  if (source === undefined) {
    source = fs.readFileSync(path.join(TEMPLATES_DIR, `${name}.txt`), 'utf8');
    cache.set(name, source);
  }
  return source;
}

/** One line of text: every run of control characters (C0, DEL, C1: line breaks and tabs among them) becomes one space. */
export function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ').trim();
}

export function render(name: string, values: Values): RenderedMail {
  const subject = SUBJECTS[name];
  if (!subject) throw new Error(`template ${name}: no subject defined`);
  const text = load(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    return String(value);
  });
  return { subject: oneLine(subject(values)), text };
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
