import { once } from '../../platform/db/idempotency';
import { FieldError } from '../../platform/forms/forms';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository';

/** Votes for notes and clusters, each person within the allowance the facilitator set. */
export function createVotes({ db, publish, activityOf }: WorkshopsContext) {
  return {
    /** One vote for a note or cluster, within the person's allowance; checked under a lock so double clicks cannot overspend. */
    async vote(
      workshop: repo.Workshop,
      participant: repo.Participant,
      activityId: string,
      target: { noteId?: string; clusterId?: string },
      submissionKey?: string,
    ) {
      const activity = await activityOf(workshop, activityId);
      if (participant.workshopId !== workshop.id) throw new FieldError('vote', 'You have not joined this workshop');
      if (!activity.votingOpen) throw new FieldError('vote', 'Voting is not open for this activity');
      // A double click on one vote button votes once; each button carries its own key.
      await once(db, submissionKey && `vote:${participant.id}:${submissionKey}`, null, async (tx) => {
        await repo.lockActivity(tx, activity.id);
        const current = (await repo.getActivity(tx, activity.id))!;
        if (!current.votingOpen) throw new FieldError('vote', 'Voting has closed for this activity');
        if (target.noteId) {
          const note = await repo.getNote(tx, target.noteId);
          if (!note || note.activityId !== activity.id || note.withdrawnAt || note.hidden)
            throw new FieldError('vote', 'That note is not on this board');
        } else if (target.clusterId) {
          const c = await repo.getCluster(tx, target.clusterId);
          if (!c || c.activityId !== activity.id) throw new FieldError('vote', 'That cluster is not on this board');
        } else throw new FieldError('vote', 'Choose what to vote for');
        const used = await repo.countVotes(tx, activity.id, participant.id);
        if (used >= current.votesPerPerson)
          throw new FieldError(
            'vote',
            `You have used all ${current.votesPerPerson} of your votes. Take one back to vote for something else`,
          );
        await repo.insertVote(tx, {
          activityId: activity.id,
          participantId: participant.id,
          noteId: target.noteId ?? null,
          clusterId: target.clusterId ?? null,
        });
        await publish(tx, workshop.id, 'vote.changed', { activityId: activity.id });
      });
    },

    async unvote(workshop: repo.Workshop, participant: repo.Participant, voteId: string, activityId: string) {
      const activity = await activityOf(workshop, activityId);
      if (!activity.votingOpen) throw new FieldError('vote', 'Voting has closed');
      await db.transaction(async (tx) => {
        await repo.lockActivity(tx, activity.id);
        if (!(await repo.getActivity(tx, activity.id))!.votingOpen) throw new FieldError('vote', 'Voting has closed');
        if (!(await repo.deleteVote(tx, voteId, participant.id, activity.id)))
          throw new FieldError('vote', 'That vote is not yours, or was already taken back');
        await publish(tx, workshop.id, 'vote.changed', { activityId: activity.id });
      });
    },
  };
}
