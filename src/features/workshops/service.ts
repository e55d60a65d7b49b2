import type { Platform } from '../../platform/http/types';
import type { WorkshopsDeps } from './model';
import { createWorkshopsContext } from './service-context';
import { createSetUp } from './service-set-up';
import { createControl } from './service-control';
import { createJoining } from './service-joining';
import { createBoard } from './service-board';
import { createNotes } from './service-notes';
import { createVotes } from './service-votes';
import { createRecord } from './service-record';
import { createSources } from './service-sources';
import { createForAnalysis } from './service-for-analysis';

export { channelOf, CONTROL_ACTIONS, type ControlAction, type WorkshopInput, type WorkshopsDeps } from './model';
export { MAX_NOTE, NOTE_EDIT_EMPTY, NOTE_EMPTY, noteTextProblem } from './schema';

/**
 * The workshops service, composed of its parts. Where each job lives:
 * - service-context.ts: what the parts share (publishing to the workshop's channel, a facilitator's
 *   change with its event and audit entry, the activity of a workshop, the timer and question rules)
 * - service-set-up.ts: setting a workshop up; its script (adding, moving, deleting questions; saved scripts)
 * - service-control.ts: running it: start an activity, pause, private mode, reveal, voting, close, end
 * - service-joining.ts: join codes, joining, who is connected, emailing the join link, a person's own notes
 * - service-board.ts: what each screen's board shows, with the visibility rules applied
 * - service-notes.ts: adding, editing and withdrawing notes; clusters; organising notes (move, hide, merge)
 * - service-votes.ts: votes for notes and clusters within each person's allowance
 * - service-record.ts: the record for analysis (exported as CSV and Excel)
 * - service-sources.ts: transcripts and notes uploaded as sources
 * - service-for-analysis.ts: notes and transcripts as material for the analysis feature
 */
export function createWorkshopsService(platform: Platform, deps: WorkshopsDeps = {}) {
  const ctx = createWorkshopsContext(platform, deps);
  return {
    ...createSetUp(ctx),
    ...createControl(ctx),
    ...createJoining(ctx),
    ...createBoard(ctx),
    ...createNotes(ctx),
    ...createVotes(ctx),
    ...createRecord(ctx),
    ...createSources(ctx),
    ...createForAnalysis(ctx),
  };
}

export type WorkshopsService = ReturnType<typeof createWorkshopsService>;
