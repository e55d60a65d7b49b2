import { textProblems, type TextGuardOptions } from '../../platform/forms/text-guard';

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
  return problem ? named(problem, what) : null;
}

/** The shared guard's "This must be…" with "This" replaced by what the text is. */
const named = (message: string, what: string) =>
  message.replace(/^This\b/, `${what[0]!.toUpperCase()}${what.slice(1)}`);

/**
 * The shared guard over a whole form that a route reads field by field (not through parseForm):
 * every field, not only those the service checks, so nothing the form carries escapes it. Each
 * problem is keyed by its field, to be shown beside it, and names the field where `names` knows it.
 */
export function formTextProblems(
  body: unknown,
  names: (field: string) => string | undefined = () => undefined,
  options: TextGuardOptions = {},
): Record<string, string> {
  const problems = textProblems(body, options);
  for (const [field, message] of Object.entries(problems)) {
    const what = names(field);
    if (what) problems[field] = named(message, what);
  }
  return problems;
}

/** The first problem with an item's wording and labels, or null. */
export function itemProblem(
  item: { text: string; domain?: string; area?: string | null },
  what = 'the item',
): string | null {
  return (
    textProblem(item.text, what, ITEM_TEXT_MAX) ??
    textProblem(item.domain ?? '', `the domain of ${what}`, ITEM_FIELD_MAX) ??
    textProblem(item.area ?? '', `the area of ${what}`, ITEM_FIELD_MAX)
  );
}
