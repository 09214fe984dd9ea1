import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMailer } from './mailer';

describe('the outbox mailer (no SMTP_URL)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailer-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const mail = (key: string) => ({ key, to: 'student@school.example', subject: 'Your mentor', text: 'Hello' });

  it('writes one .eml per message, named by its Message-ID, and makes the folder again when it was removed meanwhile', async () => {
    const outboxDir = path.join(dir, 'outbox');
    const mailer = createMailer({ outboxDir, from: 'Mentoring <no-reply@school.example>' });
    const first = await mailer.send(mail('assignment-1'));
    expect(first.messageId).toBe('<assignment-1@school.example>');
    expect(fs.readdirSync(outboxDir)).toEqual(['assignment-1@school.example.eml']);

    fs.rmSync(outboxDir, { recursive: true }); // an operator empties the outbox
    await mailer.send(mail('assignment-2'));
    expect(fs.readdirSync(outboxDir)).toEqual(['assignment-2@school.example.eml']);
    const text = fs.readFileSync(path.join(outboxDir, 'assignment-2@school.example.eml'), 'utf8');
    expect(text).toContain('Subject: Your mentor');
    expect(text).toContain('X-Mentoring-Key: assignment-2');
    mailer.close();
  });
});
