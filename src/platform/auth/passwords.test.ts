import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';

describe('passwordProblem', () => {
  it.each([
    ['', 'Password must be 12 characters or more'],
    ['elevenchars', 'Password must be 12 characters or more'],
    ['x'.repeat(257), 'Password must be 256 characters or fewer'],
    ['qwerty123456', 'Password is too common. Choose a password that other people are unlikely to use'],
    ['QWERTY123456', 'Password is too common. Choose a password that other people are unlikely to use'],
    ['abababababab', 'Password must use at least 4 different characters'],
  ])('refuses %j', (pw, message) => {
    expect(passwordProblem(pw)).toBe(message);
  });

  it('refuses a password built from the email address or name', () => {
    expect(passwordProblem('florence-secure-2026', ['florence@example.nhs.uk'])).toBe(
      'Password must not contain your name or email address',
    );
    expect(passwordProblem('my name is Florence N', ['Florence N'])).toBe(
      'Password must not contain your name or email address',
    );
  });

  it('accepts a long passphrase, at exactly 12 and at 256 characters', () => {
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('tulip-river9')).toBeNull();
    expect(passwordProblem('a1b2c3d4'.repeat(32))).toBeNull();
  });
});

describe('argon2id hashing', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });
});
