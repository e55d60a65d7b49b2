import { describe, expect, it } from 'vitest';
import { tokenSchema } from './schema';

describe('the personal access token form', () => {
  it('turns the chosen access and areas into scopes', () => {
    const parse = (areas: string | string[], access = 'read') =>
      tokenSchema.parse({ name: 'Scripts', access, areas, expiresInDays: '90' });
    expect(parse('all')).toEqual({ name: 'Scripts', expiresInDays: 90, scopes: ['read'] });
    expect(parse(['frameworks', 'account'], 'write').scopes).toEqual(['frameworks:write', 'account:write']);
    // "Every area" wins over single areas ticked beside it.
    expect(parse(['all', 'workshops']).scopes).toEqual(['read']);
  });

  it('refuses a lifetime over a year, or none', () => {
    for (const expiresInDays of ['never', '730', '0', undefined]) {
      expect(tokenSchema.safeParse({ name: 'x', access: 'read', areas: 'all', expiresInDays }).success).toBe(false);
    }
  });
});
