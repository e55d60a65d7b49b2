import { describe, expect, it } from 'vitest';
import { headerSafeLocation, safeReturnTo } from './redirects';
import { safeReturnTo as fromPlugin } from './platform-plugin';

describe('safeReturnTo', () => {
  it.each([
    ['/programmes/1', '/programmes/1'],
    ['/account?tab=1', '/account?tab=1'],
    ['/guides?q=nurse%20consultant', '/guides?q=nurse%20consultant'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['/a\\b', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    // Browsers drop tabs and newlines from URLs, so each of these would become //evil.example.
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    ['/\r/evil.example', '/'],
    ['/\n/x', '/'],
    ['/ /evil.example', '/'],
    ['/\u00a0/evil.example', '/'],
    ['/\u2028/evil.example', '/'],
    ['/\u200b/evil.example', '/'],
    ['/\u0000x', '/'],
    ['/\ud800x', '/'],
    // Other non-ASCII is kept, percent-encoded, so it can go in a Location header.
    ['/\u3002evil', '/%E3%80%82evil'],
    ['/programmes/é?x=ü', '/programmes/%C3%A9?x=%C3%BC'],
    [`/${'a'.repeat(3000)}`, '/'],
    ['', '/'],
    [undefined, '/'],
    [42, '/'],
    [['/a'], '/'],
  ])('%j → %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it('is the same function the sign-in code imports from the platform plugin', () => {
    expect(fromPlugin).toBe(safeReturnTo);
  });
});

describe('headerSafeLocation', () => {
  it.each([
    ['/programmes/1', '/programmes/1'],
    ['/a\n/b', '/a/b'],
    ['/\u3002evil', '/%E3%80%82evil'],
    ['/frameworks/ÄB/versions/1 0', '/frameworks/%C3%84B/versions/1%200'],
    ['/\ud800', '/'],
  ])('%j → %j', (input, expected) => {
    expect(headerSafeLocation(input)).toBe(expected);
  });
});
