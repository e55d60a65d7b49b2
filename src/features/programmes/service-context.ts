import type { Platform } from '../../platform/http/types';
import type { AccountsService } from '../accounts/service';
import type { StageActivitySource } from './stages';

/** What the programmes feature is given by app.ts: how far the other features' work has got. */
export interface ProgrammesDeps {
  stageActivity?: StageActivitySource;
}

/** What every part of the programmes service is given. */
export interface ProgrammesContext extends Pick<Platform, 'db' | 'config' | 'mailer'> {
  /** Invitations look up, and create, the accounts they are for. */
  accounts: AccountsService;
  deps: ProgrammesDeps;
}
