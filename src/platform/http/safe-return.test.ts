import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './platform-plugin';

describe('safeReturnTo', () => {
  it.each([
    ['/programmes/1', '/programmes/1'],
    ['/account?tab=1', '/account?tab=1'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    [undefined, '/'],
    [42, '/'],
  ])('%j → %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});
