// SUBSCRIBER_LEASE_SECONDS (ADR 0004): validated at boot like every other variable.
import { loadConfig } from './config';

describe('subscriber lease configuration', () => {
  it('defaults to 15 s; accepts 1 to 3600 s; refuses anything else naming the variable', () => {
    expect(loadConfig({}).subscriberLeaseSeconds).toBe(15);
    expect(loadConfig({ SUBSCRIBER_LEASE_SECONDS: '2' }).subscriberLeaseSeconds).toBe(2);
    expect(loadConfig({ SUBSCRIBER_LEASE_SECONDS: '3600' }).subscriberLeaseSeconds).toBe(3600);
    expect(() => loadConfig({ SUBSCRIBER_LEASE_SECONDS: '0' })).toThrow('Invalid configuration: SUBSCRIBER_LEASE_SECONDS must be between 1 and 3600, got 0');
    expect(() => loadConfig({ SUBSCRIBER_LEASE_SECONDS: '1.5' })).toThrow('Invalid configuration: SUBSCRIBER_LEASE_SECONDS must be an integer, got "1.5"');
  });
});
