import type { FastifyInstance } from 'fastify';
import type { AccountRouteDeps, DemoAccount, PersonalDataSource, PrepareDeletion } from './model';
import { passwordRoutes } from './password-routes';
import { profileRoutes } from './profile-routes';
import { registrationRoutes } from './registration-routes';
import type { AccountsService } from './service';
import { signInRoutes } from './sign-in-routes';
import { tokenRoutes } from './token-routes';

/**
 * The account pages: registering (registration-routes.ts), signing in and out (sign-in-routes.ts), passwords
 * (password-routes.ts), your account and your data (profile-routes.ts), and access tokens (token-routes.ts).
 */
export function accountRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  demo: () => Promise<DemoAccount[]>,
  personalData: PersonalDataSource,
  prepareDeletion: PrepareDeletion = async () => async () => {},
) {
  const deps: AccountRouteDeps = {
    accounts,
    // Per address, per route: slows password guessing and form flooding.
    signInLimit: { rateLimit: { max: app.platform.config.rateLimitPerMinute, timeWindow: '1 minute' } },
  };
  registrationRoutes(app, deps);
  signInRoutes(app, deps, demo);
  passwordRoutes(app, deps);
  profileRoutes(app, deps, personalData, prepareDeletion);
  tokenRoutes(app, deps);
}
