import type { AccountsService } from './service';

/** A demo account listed on the sign-in page (never in production). */
export interface DemoAccount {
  email: string;
  password: string;
  label: string;
}

/** Gathers what Waymark holds about a person, from each feature, for "download your data". */
export type PersonalDataSource = (userId: string) => Promise<Record<string, unknown>>;

/**
 * Called before an account is deleted; returns what to do once it is gone
 * (e.g. remove stored files the database rows pointed to).
 */
export type PrepareDeletion = (userId: string) => Promise<() => Promise<void>>;

/** What each of the accounts route modules is given by routes.ts. */
export interface AccountRouteDeps {
  accounts: AccountsService;
  /** Per address, per route: slows password guessing and form flooding. */
  signInLimit: { rateLimit: { max: number; timeWindow: string } };
}
