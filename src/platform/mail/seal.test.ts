import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from './seal';

describe('sealing the text as sent', () => {
  const key = randomBytes(32);

  it('opens with the same key and recipient, and never holds the text in clear', () => {
    const sealed = seal(key, 'Open https://waymark.example/reset-password/secret-token', 'ada@example.nhs.uk');
    expect(sealed).not.toContain('secret-token');
    expect(unseal(key, sealed, 'ada@example.nhs.uk')).toBe('Open https://waymark.example/reset-password/secret-token');
  });

  it('refuses another key, another recipient, or a changed text', () => {
    const sealed = seal(key, 'hello', 'ada@example.nhs.uk');
    expect(() => unseal(randomBytes(32), sealed, 'ada@example.nhs.uk')).toThrow();
    expect(() => unseal(key, sealed, 'eve@example.nhs.uk')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => unseal(key, parts.join('.'), 'ada@example.nhs.uk')).toThrow();
    expect(() => unseal(key, 'not sealed', 'ada@example.nhs.uk')).toThrow('not a sealed outbox text');
  });
});
