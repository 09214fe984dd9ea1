// The reactors' configuration is validated at boot like the rest: a bad value names the variable.
import { ConfigError, loadConfig } from './config';

describe('reactor configuration', () => {
  it('defaults: reactors run where the projections run, e-mails go to the outbox, a tick a minute, park after 3 attempts', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      runProjections: true,
      runReactors: true,
      smtpUrl: undefined,
      mailFrom: 'Mentoring platform <no-reply@mentoring.localhost>',
      mentorshipTeamEmail: 'mentorship-team@mentoring.localhost',
      reactorTickSeconds: 60,
      parkAfterAttempts: 3,
    });
    expect(loadConfig({ MONGODB_URI: 'mongodb://localhost/x' }).runReactors).toBe(false);
    expect(loadConfig({ RUN_REACTORS: 'false' }).runReactors).toBe(false);
  });

  it('accepts SMTP URLs and addresses', () => {
    expect(
      loadConfig({ SMTP_URL: 'smtps://user:secret@smtp.example.com:465', MAIL_FROM: 'no-reply@school.example', MENTORSHIP_TEAM_EMAIL: 'team@school.example', REACTOR_TICK_SECONDS: '0' }),
    ).toMatchObject({ smtpUrl: 'smtps://user:secret@smtp.example.com:465', mailFrom: 'no-reply@school.example', mentorshipTeamEmail: 'team@school.example', reactorTickSeconds: 0 });
  });

  it.each([
    ['SMTP_URL', 'http://smtp.example.com', /SMTP_URL must start with smtp:\/\/ or smtps:\/\//],
    ['SMTP_URL', 'not a url', /SMTP_URL must be a URL/],
    ['MENTORSHIP_TEAM_EMAIL', 'team', /MENTORSHIP_TEAM_EMAIL must be an e-mail address/],
    ['MAIL_FROM', 'Mentoring <nobody>', /MAIL_FROM must be an address/],
    ['REACTOR_TICK_SECONDS', '-1', /REACTOR_TICK_SECONDS must be an integer/],
    ['PARK_AFTER_ATTEMPTS', '0', /PARK_AFTER_ATTEMPTS must be between 1 and 100/],
    ['RUN_REACTORS', 'maybe', /RUN_REACTORS must be true or false/],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
