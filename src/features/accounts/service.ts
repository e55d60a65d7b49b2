import type { Platform } from '../../platform/http/types';
import { createPasswords } from './service-passwords';
import { createProfile } from './service-profile';
import { createRegistration } from './service-registration';
import { createSignIn } from './service-sign-in';
import { createTokens } from './service-tokens';
import { createUsers } from './service-users';

export type { NewUser } from './service-registration';
export type { SignInResult } from './service-sign-in';

/**
 * Accounts: registration (service-registration.ts), sign-in with lockout (service-sign-in.ts), password reset
 * and change (service-passwords.ts), profile and personal data (service-profile.ts), access tokens
 * (service-tokens.ts), and looking up and administering users (service-users.ts).
 */
export function createAccountsService(platform: Platform) {
  const ctx = { db: platform.db, config: platform.config, mailer: platform.mailer };
  return {
    ...createRegistration(ctx),
    ...createSignIn(ctx),
    ...createPasswords(ctx),
    ...createProfile(ctx),
    ...createTokens(ctx),
    ...createUsers(ctx),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
