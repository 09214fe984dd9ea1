// CSV answers (RFC 4180) for the reports: `Accept: text/csv` or `?format=csv`.
import type { FastifyReply } from 'fastify';
import { Problem } from '../http/problem';

export type CsvValue = string | number | boolean | null | undefined;

/** Whether the client asked for CSV; `format` wins over `Accept`. Any other format is a 400. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined && format !== '') {
    if (format === 'csv') return true;
    if (format === 'json') return false;
    throw new Problem(400, 'invalid_query', 'Bad Request', 'format must be json or csv.', { field: 'format' });
  }
  return typeof accept === 'string' && /(^|,)\s*text\/csv\b/i.test(accept);
}

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A spreadsheet would run a cell starting with = + - @ as a formula: keep text as text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line, then one line per row, CRLF-terminated. */
export function toCsv<R>(columns: ReadonlyArray<readonly [string, (row: R) => CsvValue]>, rows: readonly R[]): string {
  const lines = [columns.map(([name]) => cell(name)).join(',')];
  for (const row of rows) lines.push(columns.map(([, value]) => cell(value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Sets the CSV headers; the controller returns the body. */
export function csvReply(reply: FastifyReply, filename: string, body: string): string {
  reply.header('content-type', 'text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  return body;
}
