import { textProblems } from '../../platform/forms/text-guard';

/** The longest item wording, and the longest comment, reason or suggestion a panellist can give. */
export const ITEM_TEXT_MAX = 2000;
export const RESPONSE_TEXT_MAX = 2000;
export const ITEM_FIELD_MAX = 200;

/**
 * One piece of Delphi free text through the shared guard (length, NHS
 * numbers), with the message naming it: "Your reason for item 3 must be
 * 2,000 characters or fewer (it has 900,000)". Null when it is fine.
 */
export function textProblem(text: string, what: string, max: number): string | null {
  const problem = textProblems({ text }, { maxLength: max }).text;
  if (!problem) return null;
  return problem.replace(/^This\b/, `${what[0]!.toUpperCase()}${what.slice(1)}`);
}

/** The first problem with an item's wording and labels, or null. */
export function itemProblem(item: { text: string; domain?: string; area?: string | null }, what = 'the item'): string | null {
  return textProblem(item.text, what, ITEM_TEXT_MAX) ?? textProblem(item.domain ?? '', `the domain of ${what}`, ITEM_FIELD_MAX) ?? textProblem(item.area ?? '', `the area of ${what}`, ITEM_FIELD_MAX);
}
