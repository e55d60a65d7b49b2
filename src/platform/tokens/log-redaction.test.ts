import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redaction';

describe('request URLs in the log', () => {
  it.each([
    ['/reset-password/abc123def456', '/reset-password/[hidden]'],
    ['/register/confirm/abc123def456', '/register/confirm/[hidden]'],
    ['/confirm/abc123def456', '/confirm/[hidden]'],
    ['/delphi/enter/abc123def456', '/delphi/enter/[hidden]'],
    [
      '/delphi/3f2b8c1e-9d4a-4b7e-8f00-1234567890ab/enter/abc123def456',
      '/delphi/3f2b8c1e-9d4a-4b7e-8f00-1234567890ab/enter/[hidden]',
    ],
    ['/invitations/abc123def456/accept', '/invitations/[hidden]/accept'],
    ['/shared/abc123def456', '/shared/[hidden]'],
    ['/join/K7P2QX', '/join/[hidden]'],
    ['/anything/q3Vf1n0-X8b2_KkR7yTgH5mWcZpLs4DdEaUoNiJeBvA', '/anything/[hidden]'],
    ['/sign-in?returnTo=%2Finvitations%2Fabc&x=1', '/sign-in?returnTo=[hidden]&x=1'],
    ['/api/v1/x?token=abc', '/api/v1/x?token=[hidden]'],
  ])('hides the secret in %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('keeps ordinary addresses as they are', () => {
    for (const url of [
      '/',
      '/join',
      '/programmes/3f2b8c1e-9d4a-4b7e-8f00-1234567890ab/members',
      '/frameworks/acp/versions/1.0/statements/7.2',
      '/admin/audit?page=2',
    ])
      expect(redactUrl(url)).toBe(url);
  });
});
