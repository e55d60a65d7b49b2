import { createHash } from 'node:crypto';
import type { DelphiContext } from './service-context';
import * as repo from './repository-for-analysis';

/** A stable pseudonymous key for a panellist: the same panellist always gets the same key, never a name. */
const pseudonym = (panellistId: string) =>
  `c-${createHash('sha256').update(`waymark-contributor:panellist:${panellistId}`).digest('hex').slice(0, 16)}`;

/**
 * The Delphi studies' material for analysis (the analysis feature turns it into sources): panellists'
 * comments and reasons on items (one record each, from the same rating) and round-0 suggestions, with
 * the study, round, item and the panellist's stakeholder group and area. Text exactly as entered.
 * Panellists' words are shown to analysts without names and may be quoted without names.
 */
export function createForAnalysis({ db }: DelphiContext) {
  return {
    /** Changes whenever analysisMaterial could give something different (counts and latest times). */
    async analysisFingerprint(programmeId: string): Promise<string> {
      return `delphi ${await repo.fingerprint(db, programmeId)}`;
    },

    async analysisMaterial(programmeId: string) {
      const [ratings, suggestions] = await Promise.all([
        repo.ratingsWithWords(db, programmeId),
        repo.suggestionsOf(db, programmeId),
      ]);
      const fromRatings = ratings.flatMap((r) => {
        const common = {
          originId: r.id,
          attributes: {
            studyId: r.studyId,
            study: r.study,
            round: r.round,
            item: `${r.itemCode} ${r.itemText}`,
            area: r.itemArea ?? r.panellistArea,
            stakeholderType: r.stakeholderType,
            stakeholderGroup: r.stakeholderType,
          },
          contributorKey: pseudonym(r.panellistId),
          quotable: true,
          createdAt: r.updatedAt,
          updatedAt: r.updatedAt,
        };
        const title = `${r.study}, round ${r.round}, item ${r.itemCode}`;
        return [
          ...(r.comment
            ? [{ ...common, kind: 'delphi-comment' as const, title: `Comment: ${title}`, text: r.comment }]
            : []),
          ...(r.reason
            ? [{ ...common, kind: 'delphi-reason' as const, title: `Reason: ${title}`, text: r.reason }]
            : []),
        ];
      });
      return [
        ...fromRatings,
        ...suggestions.map((s) => ({
          kind: 'delphi-suggestion' as const,
          originId: s.id,
          title: `Suggestion: ${s.study}, round ${s.round}`,
          text: s.text,
          attributes: {
            studyId: s.studyId,
            study: s.study,
            round: s.round,
            area: s.panellistArea,
            stakeholderType: s.stakeholderType,
            stakeholderGroup: s.stakeholderType,
          },
          contributorKey: pseudonym(s.panellistId),
          quotable: true,
          createdAt: s.createdAt,
          updatedAt: s.createdAt,
        })),
      ];
    },
  };
}
