// `npm run token -- --role staff --sub u-1 [--expires 12h]` prints a bearer token signed with the local HS256 key:
// JWT_SECRET, or the key generated into DATA_DIR on a development start (the same DATA_DIR as the API's).
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { parseArgs } from 'node:util';
import { hs256Secret, loadConfig } from '@mentoring/config';
import { signToken, TOKEN_ROLES, TokenRole } from '../http/auth';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, sub: { type: 'string' }, expires: { type: 'string', default: '12h' } },
  });
  if (!values.role || !(TOKEN_ROLES as readonly string[]).includes(values.role)) {
    console.error(`--role is required, one of: ${TOKEN_ROLES.join(', ')}`);
    process.exit(2);
  }
  if (!values.sub) {
    console.error('--sub (the subject: a user id) is required');
    process.exit(2);
  }
  const config = loadConfig();
  console.log(await signToken(hs256Secret(config), values.sub, values.role as TokenRole, values.expires, { issuer: config.jwtIssuer, audience: config.jwtAudience }));
}

void main();
