import { FieldError } from '../../platform/forms/forms';
import type { Scale } from '../../stats/consensus';
import * as repo from './repository';
import { RESPONSE_TEXT_MAX, textProblem } from './bounds';
import type { DelphiContext } from './service-context';
import type { FeedbackFor, ItemFeedback } from './service-feedback';

export interface RatingInput {
  itemId: string;
  /** A number on the scale, 'unable', or undefined for not answered yet. */
  value: number | 'unable' | undefined;
  comment: string;
  reason: string;
}

/** A rating counts as "far" from the group's previous median when it is at least `distance` points away. */
export function isFar(rating: number, previousMedian: number | null | undefined, distance: number | null): boolean {
  return (
    distance !== null &&
    previousMedian !== null &&
    previousMedian !== undefined &&
    Math.abs(rating - previousMedian) >= distance
  );
}

/**
 * A panellist's side of a round: the page they take it on, saving and
 * submitting their ratings (a rating far from last round's median needs a
 * reason), and suggestions in round 0.
 */
export function createRating({ db }: DelphiContext, feedbackFor: FeedbackFor) {
  return {
    /** What a panellist sees for the open round: items, their answers so far, and feedback from the round before. */
    async takePage(study: repo.Study, panellist: repo.Panellist) {
      const rounds = await repo.roundsOf(db, study.id);
      const round = rounds.find((r) => r.status === 'open');
      if (!round) return { round: undefined, rounds };
      const items = await repo.itemsOf(db, round.id);
      const mine = new Map(
        (
          await repo.ratingsOfPanellist(
            db,
            panellist.id,
            items.map((i) => i.id),
          )
        ).map((r) => [r.itemId, r]),
      );
      const part = (await repo.participationOf(db, [round.id])).find((p) => p.panellistId === panellist.id);
      const prevRound = rounds.find((r) => r.number === round.number - 1 && r.number > 0 && r.status === 'closed');
      const feedback = new Map<string, ItemFeedback>();
      if (prevRound) for (const f of await feedbackFor(study, prevRound, round, panellist)) feedback.set(f.itemId, f);
      return { round, rounds, items, mine, completedAt: part?.completedAt ?? null, feedback, prevRound };
    },

    /**
     * Saves a panellist's answers (latest wins). With `submit`, every item
     * must be answered and the round is marked completed. Nothing is saved when
     * anything is invalid; the errors say which item and what to do.
     */
    async saveRatings(
      study: repo.Study,
      panellist: repo.Panellist,
      roundId: string,
      inputs: RatingInput[],
      submit: boolean,
    ): Promise<{ errors: Record<string, string> }> {
      const round = await repo.getRound(db, roundId);
      if (!round || round.studyId !== study.id) return { errors: { round: 'That round is not part of this study' } };
      if (round.status !== 'open')
        return {
          errors: {
            round: `Round ${round.number} is ${round.status === 'closed' ? 'closed' : 'not open yet'}; answers can no longer be saved`,
          },
        };
      const items = await repo.itemsOf(db, round.id);
      const itemById = new Map(items.map((i) => [i.id, i]));
      const scale = study.scale as Scale;
      const errors: Record<string, string> = {};
      const previousMedians = new Map<string, { median: number | null; whose: string }>();
      if (study.reasonDistance !== null) {
        const prev = (await repo.roundsOf(db, study.id)).find((r) => r.number === round.number - 1 && r.number > 0);
        if (prev)
          for (const f of await feedbackFor(study, prev, round, panellist))
            previousMedians.set(f.itemId, {
              median: f.compareMedian,
              whose: f.compareWith === 'group' ? "your group's" : "the panel's",
            });
      }
      for (const input of inputs) {
        const item = itemById.get(input.itemId);
        if (!item) {
          errors[`item-${input.itemId}`] = 'This item is not in the open round';
          continue;
        }
        const field = `rating-${item.id}`;
        if (input.value === 'unable' && !study.allowUnable) errors[field] = `Choose a rating for item ${item.code}`;
        if (
          typeof input.value === 'number' &&
          (!Number.isInteger(input.value) || input.value < scale.min || input.value > scale.max)
        ) {
          errors[field] = `Choose a rating from ${scale.min} to ${scale.max} for item ${item.code}`;
        }
        // The rating form has a comment and a reason per item, outside parseForm: both go through the shared guard here.
        const comment = textProblem(input.comment, `your comment on item ${item.code}`, RESPONSE_TEXT_MAX);
        if (comment) errors[`comment-${item.id}`] = comment;
        const reason = textProblem(input.reason, `your reason for item ${item.code}`, RESPONSE_TEXT_MAX);
        if (reason) errors[`reason-${item.id}`] = reason;
        else if (
          typeof input.value === 'number' &&
          isFar(input.value, previousMedians.get(item.id)?.median, study.reasonDistance) &&
          !input.reason.trim()
        ) {
          errors[`reason-${item.id}`] =
            `Your rating for item ${item.code} is ${study.reasonDistance} or more points from ${previousMedians.get(item.id)!.whose} median last round. Say briefly why`;
        }
      }
      if (submit) {
        const answered = new Set(inputs.filter((i) => i.value !== undefined).map((i) => i.itemId));
        const saved = new Set(
          (
            await repo.ratingsOfPanellist(
              db,
              panellist.id,
              items.map((i) => i.id),
            )
          ).map((r) => r.itemId),
        );
        for (const item of items)
          if (!answered.has(item.id) && !saved.has(item.id) && !errors[`rating-${item.id}`])
            errors[`rating-${item.id}`] =
              `Rate item ${item.code}${study.allowUnable ? ', or choose "unable to rate"' : ''}`;
      }
      if (Object.keys(errors).length) return { errors };
      const closedMeanwhile = await db.transaction(async (tx) => {
        // The round may have closed since the checks above: look again, holding it until commit.
        if ((await repo.lockRound(tx, round.id))?.status !== 'open') return true;
        const now = new Date();
        await repo.markStarted(tx, panellist.id, round.id, now);
        for (const input of inputs) {
          if (input.value === undefined) continue;
          await repo.upsertRating(tx, {
            itemId: input.itemId,
            panellistId: panellist.id,
            rating: input.value === 'unable' ? null : input.value,
            comment: input.comment.trim(),
            reason: input.reason.trim(),
          });
        }
        if (submit) await repo.markCompleted(tx, panellist.id, round.id, now);
        return false;
      });
      if (closedMeanwhile)
        return { errors: { round: `Round ${round.number} has just closed; answers can no longer be saved` } };
      return { errors: {} };
    },

    async suggest(study: repo.Study, panellist: repo.Panellist, text: string) {
      const round = (await repo.roundsOf(db, study.id)).find((r) => r.status === 'open' && r.number === 0);
      if (!round) throw new FieldError('suggestion', 'The suggestions round is not open');
      if (!text.trim()) throw new FieldError('suggestion', 'Enter your suggestion');
      const problem = textProblem(text, 'your suggestion', RESPONSE_TEXT_MAX);
      if (problem) throw new FieldError('suggestion', problem);
      await db.transaction(async (tx) => {
        await repo.markStarted(tx, panellist.id, round.id, new Date());
        await repo.insertSuggestion(tx, { roundId: round.id, panellistId: panellist.id, text: text.trim() });
      });
    },
  };
}
