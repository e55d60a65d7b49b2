import { z } from 'zod';
import { formList } from '../../platform/http/route-helpers';

/*
 * Requests of checking themes with representatives (issue 12 item 8): the analysts' review links, and a
 * representative's answers. Rules that depend on what is stored (a theme not of this programme or not in the link)
 * are the service's.
 */

export const REVIEW_VERDICTS = ['agree', 'refine', 'disagree'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];
export const REVIEW_VERDICT_LABELS: Record<ReviewVerdict, string> = {
  agree: 'Agree',
  refine: 'Refine',
  disagree: 'Disagree',
};
export const REVIEW_VERDICT_HINTS: Record<ReviewVerdict, string> = {
  agree: 'It says what we meant',
  refine: 'Right idea, but it needs changing',
  disagree: 'It does not fit what we said',
};
export const REVIEW_COMMENT_MAX = 2000;
/** How long a review link works, in days: the choices offered. */
export const REVIEW_LINK_DAYS = ['1', '7', '30'] as const;

const submissionKey = z.string().max(100).optional();

/** Making a review link: the themes it asks about and how long it works. */
export const reviewLinkSchema = z.object({
  themeIds: z.preprocess(
    formList,
    z
      .array(z.uuid('Choose themes from the list'))
      .min(1, 'Choose at least one theme for representatives to check')
      .max(200),
  ),
  days: z.enum(REVIEW_LINK_DAYS, { message: 'Choose how long the link works' }),
  _submission: submissionKey,
});
export type ReviewLinkInput = z.infer<typeof reviewLinkSchema>;
export const reviewLinkOrder = ['themeIds', 'days'];

/** A review link in a URL: what randomToken makes (base64url), nothing longer. */
export const reviewTokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

/** Who the representative is, in general terms: both optional, checked against the programme's lists. */
export const reviewerSchema = z.object({
  area: z.string().max(200).optional().default(''),
  stakeholderType: z.string().max(200).optional().default(''),
});
export type ReviewerInput = z.infer<typeof reviewerSchema>;
export const reviewerOrder = ['area', 'stakeholderType'];

/** A representative's answer about one theme: a comment is required to refine or disagree. */
export const themeReviewSchema = z
  .object({
    verdict: z.enum(REVIEW_VERDICTS, { message: 'Choose whether you agree, would refine or disagree' }),
    comment: z
      .string()
      .trim()
      .max(REVIEW_COMMENT_MAX, `Your comment must be ${REVIEW_COMMENT_MAX.toLocaleString('en-GB')} characters or fewer`)
      .optional()
      .transform((v) => v ?? ''),
    _submission: submissionKey,
  })
  .superRefine((v, ctx) => {
    if (v.verdict !== 'agree' && !v.comment)
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message: v.verdict === 'refine' ? 'Say how the theme should be refined' : 'Say why you disagree with the theme',
      });
  });
export type ThemeReviewInput = z.infer<typeof themeReviewSchema>;
export const themeReviewOrder = ['verdict', 'comment'];
