import { authorLabel, canSee, secondsLeft, votesLeft, type Viewer } from './board';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository';

/** What each screen's board shows: the facilitator's console, a participant's board, the projector. */
export function createBoard({ db }: WorkshopsContext) {
  return {
    /** Everything one viewer's board shows, with the visibility rules applied. */
    async board(workshop: repo.Workshop, viewer: Viewer) {
      const list = await repo.activitiesOf(db, workshop.id);
      const ids = list.map((a) => a.id);
      const [allNotes, allClusters, allVotes, people] = await Promise.all([
        repo.notesOf(db, ids),
        repo.clustersOf(db, ids),
        repo.votesOf(db, ids),
        repo.participantsOf(db, workshop.id),
      ]);
      const person = new Map(people.map((p) => [p.id, p]));
      const now = new Date();
      const shown = list.map((a) => {
        const visible = allNotes.filter((n) => n.activityId === a.id && canSee(n, a, viewer));
        const voteCount = (target: { noteId?: string; clusterId?: string }) =>
          allVotes.filter(
            (v) =>
              v.activityId === a.id && (target.noteId ? v.noteId === target.noteId : v.clusterId === target.clusterId),
          ).length;
        const showVotes = viewer.kind === 'facilitator' || a.votesRevealed;
        const mine = viewer.participantId
          ? allVotes.filter((v) => v.activityId === a.id && v.participantId === viewer.participantId)
          : [];
        const noteView = (n: repo.Note) => ({
          ...n,
          own: !!viewer.participantId && n.participantId === viewer.participantId,
          author: authorLabel(
            workshop,
            n.participantId ? (person.get(n.participantId) ?? null) : null,
            viewer,
            !!viewer.participantId && n.participantId === viewer.participantId,
          ),
          votes: showVotes ? voteCount({ noteId: n.id }) : null,
          myVotes: mine.filter((v) => v.noteId === n.id),
        });
        const clusterList = allClusters.filter((c) => c.activityId === a.id);
        return {
          ...a,
          current: workshop.currentActivityId === a.id,
          // An ended (or not yet started) workshop has no clock running.
          secondsLeft: workshop.status === 'live' ? secondsLeft(a.timerSeconds, a.startedAt, now) : null,
          clusters: clusterList.map((c) => ({
            ...c,
            notes: visible.filter((n) => n.clusterId === c.id).map(noteView),
            votes: showVotes ? voteCount({ clusterId: c.id }) : null,
            myVotes: mine.filter((v) => v.clusterId === c.id),
          })),
          loose: visible.filter((n) => !n.clusterId || !clusterList.some((c) => c.id === n.clusterId)).map(noteView),
          noteCount: visible.length,
          votesLeft: viewer.participantId ? votesLeft(a.votesPerPerson, mine.length) : null,
        };
      });
      return {
        workshop,
        activities: shown,
        current: shown.find((a) => a.current) ?? null,
        participants: people.length,
      };
    },
  };
}
