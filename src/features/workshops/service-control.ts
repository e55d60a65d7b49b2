import type { AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { CONTROL_ACTIONS, type ControlAction } from './model';
import { checkPrompt, checkTimer, type WorkshopsContext } from './service-context';
import * as repo from './repository';

/** What an activity's settings can be changed to, by the controls or by editing the script. */
export type ActivitySettings = Partial<
  Pick<
    repo.Activity,
    | 'privateMode'
    | 'revealed'
    | 'votingOpen'
    | 'votesPerPerson'
    | 'votesRevealed'
    | 'closed'
    | 'timerSeconds'
    | 'prompt'
  >
>;

/**
 * The facilitator running the workshop: starting an activity (which starts its timer), pausing the
 * board, private mode and revealing, voting and its results, closing an activity, ending the workshop.
 * Every change is published on the workshop's channel for the screens to follow.
 */
export function createControl({ change, activityOf }: WorkshopsContext) {
  async function start(workshop: repo.Workshop, activityId: string, ctx: AuditContext) {
    if (workshop.status === 'ended')
      throw new FieldError('action', 'This workshop has ended; set up a new one to run it again');
    const activity = await activityOf(workshop, activityId);
    await change(
      workshop,
      ctx,
      'activity-started',
      async (tx) => {
        await repo.updateActivity(tx, activity.id, { startedAt: new Date(), closed: false });
        await repo.updateWorkshop(tx, workshop.id, { status: 'live', currentActivityId: activity.id, paused: false });
        return { activityId: activity.id };
      },
      'activity.changed',
    );
  }

  async function setPaused(workshop: repo.Workshop, paused: boolean, ctx: AuditContext) {
    await change(workshop, ctx, paused ? 'paused' : 'resumed', async (tx) => {
      await repo.updateWorkshop(tx, workshop.id, { paused });
      return { paused };
    });
  }

  async function end(workshop: repo.Workshop, ctx: AuditContext) {
    await change(workshop, ctx, 'ended', async (tx) => {
      await repo.updateWorkshop(tx, workshop.id, { status: 'ended', paused: false });
      // Screens stop their timers on this.
      return { status: 'ended' };
    });
  }

  /** Private mode, reveal, voting on/off and its allowance, showing the results, closing, the question and timer. */
  async function setActivity(workshop: repo.Workshop, activityId: string, values: ActivitySettings, ctx: AuditContext) {
    const activity = await activityOf(workshop, activityId);
    if (
      values.votesPerPerson !== undefined &&
      (!Number.isInteger(values.votesPerPerson) || values.votesPerPerson < 1 || values.votesPerPerson > 20)
    ) {
      throw new FieldError('votesPerPerson', 'Give each person from 1 to 20 votes');
    }
    if (values.prompt !== undefined) checkPrompt(values.prompt);
    if (values.timerSeconds !== undefined) checkTimer(values.timerSeconds);
    await change(
      workshop,
      ctx,
      'activity-changed',
      async (tx) => {
        await repo.updateActivity(tx, activity.id, values);
        return { activityId: activity.id, ...values };
      },
      'activity.changed',
    );
  }

  /**
   * One of the facilitator's controls, as the console and the API both send
   * them. Activity controls need the activity; opening voting needs the number
   * of votes each (1 to 20).
   */
  async function control(
    workshop: repo.Workshop,
    action: string,
    opts: { activityId?: string; votesPerPerson?: number },
    ctx: AuditContext,
  ) {
    if (!(CONTROL_ACTIONS as readonly string[]).includes(action)) throw new FieldError('action', 'Choose what to do');
    if (action === 'pause' || action === 'resume') return setPaused(workshop, action === 'pause', ctx);
    if (action === 'end') return end(workshop, ctx);
    if (!opts.activityId) throw new FieldError('activityId', 'Give the activity this applies to');
    const id = opts.activityId;
    switch (action as ControlAction) {
      case 'start':
        return start(workshop, id, ctx);
      case 'private-on':
        return setActivity(workshop, id, { privateMode: true, revealed: false }, ctx);
      case 'voting-open':
        return setActivity(
          workshop,
          id,
          { votingOpen: true, votesPerPerson: opts.votesPerPerson ?? Number.NaN, votesRevealed: false },
          ctx,
        );
      case 'voting-close':
        return setActivity(workshop, id, { votingOpen: false }, ctx);
      case 'votes-reveal':
        return setActivity(workshop, id, { votesRevealed: true }, ctx);
      case 'close':
        return setActivity(workshop, id, { closed: true }, ctx);
      default: // 'reveal' (and 'private-off', its other name)
        return setActivity(workshop, id, { revealed: true }, ctx);
    }
  }

  return { start, setPaused, end, control, setActivity };
}
