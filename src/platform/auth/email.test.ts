import { describe, expect, it } from 'vitest';
import { maskEmail } from './email';

describe('maskEmail', () => {
  it.each([
    ['alex.smith@nhs.net', 'a***@nhs.net'],
    ['a@nhs.net', 'a***@nhs.net'],
    ['x@y@example.org', 'x***@example.org'],
    ['no-at-sign', '***'],
    ['@nhs.net', '***'],
  ])('%s → %s', (email, masked) => expect(maskEmail(email)).toBe(masked));
});
