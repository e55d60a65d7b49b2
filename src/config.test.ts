import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that run on the embedded database with demo data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo).toBe(true);
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(c.dataDir).toMatch(/data$/);
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
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ NODE_ENV: 'production', DEMO: 'true' }, 'DEMO: demo data is never seeded'],
  ])('stops on %o naming the variable', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(named);
  });
  it('treats empty values as unset and strips a trailing slash from BASE_URL', () => {
    const c = loadConfig({ DATABASE_URL: '', BASE_URL: 'https://waymark.example.nhs.uk/' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.baseUrl).toBe('https://waymark.example.nhs.uk');
  });
});
