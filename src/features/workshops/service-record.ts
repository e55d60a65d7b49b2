import { WORKSHOP_KINDS, type WorkshopKind } from './board';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository';

/** The workshop's record for analysis (exported as CSV and Excel). */
export function createRecord({ db }: WorkshopsContext) {
  return {
    /**
     * The workshop's record for analysis: every note (withdrawn and hidden
     * ones marked) with its activity, cluster, the votes given to the note and
     * to its cluster, workshop, area, pillar, stakeholder type and times; names
     * only where the workshop allows. A cluster with no notes still has a row,
     * so votes given to it are never lost from the record.
     */
    async record(workshop: repo.Workshop) {
      const list = await repo.activitiesOf(db, workshop.id);
      const ids = list.map((a) => a.id);
      const [allNotes, allClusters, allVotes, people] = await Promise.all([
        repo.notesOf(db, ids),
        repo.clustersOf(db, ids),
        repo.votesOf(db, ids),
        repo.participantsOf(db, workshop.id),
      ]);
      const person = new Map(people.map((p) => [p.id, p]));
      const pseudonym = new Map(people.map((p, i) => [p.id, `P${String(i + 1).padStart(3, '0')}`]));
      const activity = new Map(list.map((a) => [a.id, a]));
      const clusterName = new Map(allClusters.map((c) => [c.id, c.name]));
      const votes = new Map<string, number>();
      for (const v of allVotes) {
        const target = v.noteId ?? v.clusterId;
        if (target) votes.set(target, (votes.get(target) ?? 0) + 1);
      }
      const showNames = !workshop.anonymous || workshop.facilitatorsSeeIdentity;
      const about = {
        workshop: workshop.title,
        kind: WORKSHOP_KINDS[workshop.kind as WorkshopKind] ?? workshop.kind,
        area: workshop.area ?? '',
        pillar: workshop.pillar ?? '',
      };
      const rows = allNotes.map((n) => {
        const a = activity.get(n.activityId)!;
        const p = n.participantId ? person.get(n.participantId) : undefined;
        const inCluster = n.clusterId && clusterName.has(n.clusterId) ? n.clusterId : null;
        return {
          ...about,
          activity: a.position + 1,
          prompt: a.prompt,
          cluster: inCluster ? clusterName.get(inCluster)! : '',
          note: n.text,
          votes: votes.get(n.id) ?? 0,
          clusterVotes: inCluster ? (votes.get(inCluster) ?? 0) : ('' as const),
          stakeholderType: p?.stakeholderType ?? (n.enteredBy ? 'Entered for the room' : ''),
          participantArea: p?.area ?? '',
          author: showNames && p ? p.name : '',
          participant: p ? pseudonym.get(p.id)! : '',
          status: n.withdrawnAt ? 'Withdrawn' : n.duplicateOf ? 'Duplicate' : n.hidden ? 'Hidden' : 'Shown',
          createdAt: n.createdAt.toISOString(),
          updatedAt: n.updatedAt.toISOString(),
        };
      });
      const used = new Set(allNotes.map((n) => n.clusterId));
      for (const c of allClusters.filter((x) => !used.has(x.id))) {
        const a = activity.get(c.activityId)!;
        rows.push({
          ...about,
          activity: a.position + 1,
          prompt: a.prompt,
          cluster: c.name,
          note: '',
          votes: 0,
          clusterVotes: votes.get(c.id) ?? 0,
          stakeholderType: '',
          participantArea: '',
          author: '',
          participant: '',
          status: 'Cluster with no notes',
          createdAt: c.createdAt.toISOString(),
          updatedAt: c.createdAt.toISOString(),
        });
      }
      return rows;
    },
  };
}
