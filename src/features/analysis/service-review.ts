import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import { FieldError } from '../../platform/forms/forms';
import {
  activeLinkTokens,
  checkLinkToken,
  issueLinkTokenWithId,
  revokeLinkToken,
  type LinkProblem,
} from '../../platform/tokens/link-tokens';
import * as repo from './repository-review';
import {
  REVIEW_VERDICT_LABELS,
  REVIEW_VERDICTS,
  type ReviewerInput,
  type ReviewLinkInput,
  type ReviewVerdict,
  type ThemeReviewInput,
} from './schema-review';
import type { AnalysisContext } from './service-context';
import { themeSegments } from './service-themes';
import { contributorLabel, distinctSegments, quoteOf } from './themes';

export const REVIEW_LINK_PURPOSE = 'analysis-review';
const DAY_MS = 86_400_000;
/** How many quotes a representative reads under each theme. */
const QUOTES_SHOWN = 3;

/** Who a representative said they are, kept in their session (no account): a random key and general terms. */
export interface Reviewer {
  key: string;
  area: string;
  stakeholderType: string;
}

/** "a clinician in Cancer Care", "a representative in Musculoskeletal", "a representative": never a name. */
export function reviewerLabel(r: Pick<Reviewer, 'area' | 'stakeholderType'>): string {
  if (r.stakeholderType) return contributorLabel({ area: r.area, stakeholderType: r.stakeholderType });
  return `a representative${r.area ? ` in ${r.area}` : ''}`;
}

/**
 * Checking themes with representatives (issue 12 item 8): analysts make an unguessable, expiring review link for
 * chosen themes (only its hash is stored, like the Delphi panel links); whoever opens it, with no account, says who
 * they are in general terms and answers agree, refine or disagree about each theme. The answers are recorded against
 * the theme and shown to the analysts; a theme can become "defined" only once it has some (service-themes.ts).
 */
export function createReviews(ctx: AnalysisContext) {
  const { db } = ctx;

  /** The link's themes still in the programme, when the link (by its row id) still works. */
  async function liveLink(programmeId: string, linkId: string) {
    const row = await repo.linkTokenById(db, linkId);
    if (!row || row.purpose !== REVIEW_LINK_PURPOSE || row.subject !== programmeId) return undefined;
    if (row.usedAt || row.expiresAt <= new Date()) return undefined;
    const ids = ((row.data as { themeIds?: string[] }).themeIds ?? []).filter((id) => typeof id === 'string');
    return { themes: await repo.themesAmong(db, programmeId, ids), expiresAt: row.expiresAt };
  }

  return {
    /** Makes a review link for themes of the programme; the raw token is returned once and never stored. */
    async createReviewLink(programmeId: string, input: ReviewLinkInput, userId: string, audit: AuditContext) {
      return once(db, input._submission, userId, async (tx) => {
        const themes = await repo.themesAmong(tx, programmeId, [...new Set(input.themeIds)]);
        if (themes.length !== new Set(input.themeIds).size)
          throw new FieldError('themeIds', 'Choose themes from the list');
        const { id, token } = await issueLinkTokenWithId(tx, {
          purpose: REVIEW_LINK_PURPOSE,
          subject: programmeId,
          ttlMs: Number(input.days) * DAY_MS,
          data: { themeIds: themes.map((t) => t.id), createdBy: userId },
        });
        await recordAudit(tx, audit, {
          action: 'analysis.review-link-created',
          entityType: 'programme',
          entityId: programmeId,
          details: { link: id, themes: themes.length, days: Number(input.days) },
        });
        return token;
      });
    },

    /** The programme's review links that still work, newest first, with the names of their themes. */
    async reviewLinks(programmeId: string) {
      const rows = await activeLinkTokens(db, REVIEW_LINK_PURPOSE, programmeId);
      return Promise.all(
        rows.map(async (r) => {
          const ids = (r.data as { themeIds?: string[] }).themeIds ?? [];
          const themes = await repo.themesAmong(db, programmeId, ids);
          return { id: r.id, createdAt: r.createdAt, expiresAt: r.expiresAt, themes: themes.map((t) => t.name) };
        }),
      );
    },

    /** Stops a review link early; false when it is not a working link of this programme. */
    async stopReviewLink(programmeId: string, linkId: string, audit: AuditContext) {
      const stopped = await revokeLinkToken(db, REVIEW_LINK_PURPOSE, programmeId, linkId);
      if (stopped)
        await recordAudit(db, audit, {
          action: 'analysis.review-link-stopped',
          entityType: 'programme',
          entityId: programmeId,
          details: { link: linkId },
        });
      return stopped;
    },

    /** Opens a review link: the programme and the link's row id (for the session), or what is wrong with it. */
    async openReviewLink(
      token: string,
    ): Promise<{ ok: true; programmeId: string; linkId: string } | { ok: false; problem: LinkProblem }> {
      const checked = await checkLinkToken(db, REVIEW_LINK_PURPOSE, token);
      if (!checked.ok) return checked;
      return { ok: true, programmeId: checked.token.subject, linkId: checked.token.id };
    },

    /** What a representative sees: the link's themes, each with whether they have answered; undefined when it ended. */
    async reviewOverview(programmeId: string, linkId: string, reviewerKey: string) {
      const link = await liveLink(programmeId, linkId);
      if (!link) return undefined;
      const mine = await repo.reviewsBy(
        db,
        reviewerKey,
        link.themes.map((t) => t.id),
      );
      const answered = new Map(mine.map((r) => [r.themeId, r]));
      return {
        expiresAt: link.expiresAt,
        themes: link.themes.map((t) => ({
          id: t.id,
          name: t.name,
          answer: answered.has(t.id) ? REVIEW_VERDICT_LABELS[answered.get(t.id)!.verdict as ReviewVerdict] : undefined,
        })),
        choices: await repo.reviewerChoices(db, programmeId),
      };
    },

    /**
     * Checks who the representative says they are against the programme's lists, and finds the theme to take them to
     * next: the link's first theme they have not answered (or its first); none when the link has ended.
     */
    async checkReviewer(programmeId: string, linkId: string, reviewerKey: string, input: ReviewerInput) {
      const choices = await repo.reviewerChoices(db, programmeId);
      if (input.area && !choices.areas.includes(input.area))
        throw new FieldError('area', 'Choose an area from the list');
      if (input.stakeholderType && !choices.stakeholderTypes.includes(input.stakeholderType))
        throw new FieldError('stakeholderType', 'Choose a stakeholder type from the list');
      const about = { area: input.area, stakeholderType: input.stakeholderType };
      const link = await liveLink(programmeId, linkId);
      if (!link) return { about, nextThemeId: undefined };
      const ids = link.themes.map((t) => t.id);
      const answered = new Set((await repo.reviewsBy(db, reviewerKey, ids)).map((r) => r.themeId));
      return { about, nextThemeId: ids.find((id) => !answered.has(id)) ?? ids[0] };
    },

    /**
     * One theme of a working link, as a representative reads it: name, definition, a few quotes (quotable only,
     * contributors described, never named), their earlier answer and the next theme. Undefined when the theme is not
     * in the link (another programme's theme included); 'ended' when the link has expired or been stopped.
     */
    async reviewThemePage(programmeId: string, linkId: string, themeId: string, reviewerKey: string) {
      const link = await liveLink(programmeId, linkId);
      if (!link) return 'ended' as const;
      const at = link.themes.findIndex((t) => t.id === themeId);
      if (at < 0) return undefined;
      const segments = distinctSegments((await themeSegments(ctx, programmeId)).filter((s) => s.themeId === themeId));
      const quotes = segments
        .map(quoteOf)
        .filter((q) => q !== undefined && q.text)
        .slice(0, QUOTES_SHOWN);
      const [mine] = await repo.reviewsBy(db, reviewerKey, [themeId]);
      return {
        theme: link.themes[at]!,
        quotes,
        position: at + 1,
        count: link.themes.length,
        next: link.themes[at + 1]?.id,
        mine: mine ? { verdict: mine.verdict, comment: mine.comment } : undefined,
      };
    },

    /** Records a representative's answer; a doubled submit records once, a later answer replaces theirs. */
    async recordReview(
      programmeId: string,
      themeId: string,
      reviewer: Reviewer,
      input: ThemeReviewInput,
      userId: string | null,
      audit: AuditContext,
    ) {
      await once(db, input._submission, null, async (tx) => {
        await repo.saveReview(tx, {
          programmeId,
          themeId,
          reviewerKey: reviewer.key,
          userId,
          reviewerLabel: reviewerLabel(reviewer),
          area: reviewer.area,
          stakeholderType: reviewer.stakeholderType,
          verdict: input.verdict,
          comment: input.comment,
        });
        await recordAudit(tx, audit, {
          action: 'analysis.theme-reviewed',
          entityType: 'analysis_theme',
          entityId: themeId,
          details: { verdict: input.verdict },
        });
        return themeId;
      });
    },

    /** The representatives' reviews of a theme, for the analysts: counts per verdict and every answer. */
    async themeReviews(themeId: string) {
      const rows = await repo.reviewsOfTheme(db, themeId);
      return {
        total: rows.length,
        counts: REVIEW_VERDICTS.map((v) => ({
          verdict: v,
          label: REVIEW_VERDICT_LABELS[v],
          n: rows.filter((r) => r.verdict === v).length,
        })),
        reviews: rows.map((r) => ({
          label: r.reviewerLabel || 'a representative',
          verdict: REVIEW_VERDICT_LABELS[r.verdict as ReviewVerdict] ?? r.verdict,
          comment: r.comment,
          at: r.updatedAt,
        })),
      };
    },

    /** How many reviews each of the programme's themes has. */
    async themeReviewCounts(programmeId: string) {
      return new Map((await repo.reviewCounts(db, programmeId)).map((r) => [r.themeId, Number(r.n)]));
    },

    /** A new reviewer key: made once per browser when a review link is opened. */
    newReviewerKey: () => randomUUID(),
  };
}
