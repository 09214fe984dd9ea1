// The locally signed tokens (`npm run token`, the tests, the benches) against the verifier's lifetime bound.
import { decodeJwt } from 'jose';
import { signToken, TokenVerifier, type TokenSettings } from './token-verifier';

const SECRET = 'a-test-key-of-at-least-thirty-two-characters';
const settings: TokenSettings = {
  jwtSecret: SECRET,
  jwtJwksUrl: undefined,
  jwtIssuer: undefined,
  jwtAudience: undefined,
  jwtSubjectClaim: 'sub',
  jwtRoleClaim: 'role',
  jwtMaxLifetimeSeconds: 12 * 3600,
  jwtClockSkewSeconds: 30,
};

describe('signToken', () => {
  const RealDate = Date;
  afterEach(() => {
    global.Date = RealDate;
  });

  it('signs a 12 h token the verifier accepts even when a second ends between its two reads of the clock', async () => {
    // Each `new Date()` without arguments reads the next instant: 1 ms apart, the first one 0.5 ms before a second ends.
    const base = 1_800_000_000_000 - 0.5;
    let reads = 0;
    global.Date = class extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(base + reads++);
        else super(...(args as [number]));
      }
    } as DateConstructor;
    const token = await signToken(SECRET, 'analyst-1', 'analyst', '12h');
    global.Date = RealDate;

    expect(reads).toBe(2);
    const { iat, exp } = decodeJwt(token);
    expect(exp! - iat!).toBeLessThanOrEqual(12 * 3600);
    const verified = await new TokenVerifier(settings).verify(`Bearer ${token}`, base + 60_000);
    expect(verified.actor).toEqual({ id: 'analyst-1', role: 'analyst' });
  });
});
