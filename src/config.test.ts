import { describe, expect, it } from 'vitest';
import { ConfigError, decideListen, isLoopbackHost, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that run on the embedded database with demo data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo).toBe(true);
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(c.dataDir).toMatch(/data$/);
    // An account slows after 5 failures; a network address, shared by a whole trust, only after 50.
    expect([c.signInMaxFailures, c.signInAddressMaxFailures, c.signInLockMinutes]).toEqual([5, 50, 15]);
  });
  it('never seeds demo data in production by default', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demo).toBe(false);
  });
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must start with postgres://'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET: must be at least 32 characters'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL: must start with smtp://'],
    [{ BASE_URL: 'localhost' }, 'BASE_URL'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY: must be false, a number of proxy hops'],
    [{ TRUST_PROXY: '10.0.0.0/40' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1, evil' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '99' }, 'TRUST_PROXY: must be at most 10 hops'],
    [{ DEMO_ALLOW_NETWORK: 'sure' }, 'DEMO_ALLOW_NETWORK'],
    [{ NODE_ENV: 'production', DEMO: 'true' }, 'DEMO: demo data is never seeded'],
    [{ SIGN_IN_ADDRESS_MAX_FAILURES: '0' }, 'SIGN_IN_ADDRESS_MAX_FAILURES'],
  ])('stops on %o naming the variable', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(named);
  });
  it('treats empty values as unset and strips a trailing slash from BASE_URL', () => {
    const c = loadConfig({ DATABASE_URL: '', BASE_URL: 'https://waymark.example.nhs.uk/' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.baseUrl).toBe('https://waymark.example.nhs.uk');
  });

  describe('TRUST_PROXY', () => {
    it.each([
      [undefined, false],
      ['false', false],
      ['0', false],
      ['2', 2],
      ['10.0.0.1', ['10.0.0.1']],
      ['10.0.0.0/8, 192.168.1.1 ,loopback', ['10.0.0.0/8', '192.168.1.1', 'loopback']],
      ['fd00::/8', ['fd00::/8']],
    ])('%j is trusted as %j', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
    });
    it('no longer trusts every hop for "true": one hop, with a warning at start', () => {
      const c = loadConfig({ TRUST_PROXY: 'true' });
      expect(c.trustProxy).toBe(1);
      expect(c.warnings.join(' ')).toMatch(/TRUST_PROXY=true trusts one proxy hop/);
      expect(loadConfig({ TRUST_PROXY: '1' }).warnings).toEqual([]);
    });
  });

  describe('HOST and demo accounts', () => {
    it('listens on this machine only while demo data is on, unless HOST says otherwise', () => {
      expect(loadConfig({}).host).toBe('127.0.0.1');
      expect(loadConfig({ DEMO: 'false' }).host).toBe('0.0.0.0');
      expect(loadConfig({ NODE_ENV: 'production' }).host).toBe('0.0.0.0');
      expect(loadConfig({ HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', hostFromEnv: true });
    });
    it.each([
      ['127.0.0.1', true],
      ['127.0.1.1', true],
      ['localhost', true],
      ['::1', true],
      ['[::1]', true],
      ['0.0.0.0', false],
      ['::', false],
      ['192.168.1.10', false],
    ])('%s is loopback: %s', (host, expected) => {
      expect(isLoopbackHost(host)).toBe(expected);
    });
    it('refuses to put demo accounts on the network unless DEMO_ALLOW_NETWORK=true, and says which it did', () => {
      const refused = decideListen(loadConfig({ HOST: '0.0.0.0' }), true);
      expect(refused.ok).toBe(false);
      expect(refused.message).toMatch(
        /^HOST: refusing to listen on 0\.0\.0\.0 while demo accounts exist.*DEMO_ALLOW_NETWORK=true/,
      );
      const allowed = decideListen(loadConfig({ HOST: '0.0.0.0', DEMO_ALLOW_NETWORK: 'true' }), true);
      expect(allowed).toMatchObject({ ok: true, host: '0.0.0.0' });
      expect(allowed.message).toMatch(/reachable from the network/);
      const local = decideListen(loadConfig({}), true);
      expect(local).toMatchObject({ ok: true, host: '127.0.0.1' });
      expect(local.message).toMatch(/listens on 127\.0\.0\.1 only/);
    });
    it('listens anywhere asked when there are no demo accounts (a production install)', () => {
      expect(decideListen(loadConfig({ NODE_ENV: 'production' }), false)).toMatchObject({ ok: true, host: '0.0.0.0' });
      // Demo accounts left in a production database are still refused on the network.
      expect(decideListen(loadConfig({ NODE_ENV: 'production' }), true).ok).toBe(false);
    });
  });
});
