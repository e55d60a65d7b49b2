import { createHash } from 'node:crypto';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository-for-analysis';

/** A stable pseudonymous key for who wrote something: the same person always gets the same key, never a name. */
const pseudonym = (what: string) =>
  `c-${createHash('sha256').update(`waymark-contributor:${what}`).digest('hex').slice(0, 16)}`;

/**
 * The workshops' material for analysis (the analysis feature turns it into sources): every note not
 * withdrawn, with its programme's workshop, area, pillar, activity, the writer's stakeholder type,
 * its cluster and votes, a pseudonymous contributor key (by account when the participant had one, so
 * one person is one contributor across workshops) and whether it may be quoted (not when the workshop
 * was anonymous); and every uploaded transcript or set of meeting notes. Text exactly as entered.
 */
export function createForAnalysis({ db }: WorkshopsContext) {
  return {
    /** Changes whenever analysisMaterial could give something different (counts and latest times). */
    async analysisFingerprint(programmeId: string): Promise<string> {
      return `workshops ${await repo.fingerprint(db, programmeId)}`;
    },

    async analysisMaterial(programmeId: string) {
      const [notes, transcripts] = await Promise.all([
        repo.notesForAnalysis(db, programmeId),
        repo.transcriptsForAnalysis(db, programmeId),
      ]);
      return [
        ...notes.map((n) => ({
          kind: 'workshop-note' as const,
          originId: n.id,
          title: `${n.workshop}, activity ${n.activityPosition + 1}`,
          text: n.text,
          attributes: {
            workshopId: n.workshopId,
            workshop: n.workshop,
            area: n.area,
            pillar: n.pillar,
            activity: n.activity,
            stakeholderType: n.stakeholderType ?? null,
            cluster: n.cluster ?? null,
            votes: Number(n.votes),
          },
          contributorKey: n.userId
            ? pseudonym(`user:${n.userId}`)
            : n.participantId
              ? pseudonym(`participant:${n.participantId}`)
              : null,
          quotable: !n.anonymous,
          createdAt: n.createdAt,
          updatedAt: n.updatedAt,
        })),
        ...transcripts.map((t) => ({
          kind: 'workshop-transcript' as const,
          originId: t.id,
          title: `${t.workshop}: ${t.filename}`,
          text: t.text,
          attributes: {
            workshopId: t.workshopId,
            workshop: t.workshop,
            area: t.area,
            pillar: t.pillar,
            filename: t.filename,
          },
          contributorKey: null,
          quotable: !t.anonymous,
          createdAt: t.createdAt,
          updatedAt: t.createdAt,
        })),
      ];
    },
  };
}
