import { isUuid } from '../ids';
import { nhsNumberProblem } from './nhs-number';

/**
 * The one place free text is checked for length and for things that look like
 * NHS numbers. `parseForm` and the API's body parsing run it over every string
 * a request carries, after the route's own schema, so a field a schema forgot
 * to bound is still bounded and no free text escapes the NHS-number guard.
 * Schemas should still give each field its own, smaller limit and message.
 */
export const MAX_TEXT_LENGTH = 20_000;

/**
 * Fields that hold no free text (secrets, identifiers, keys, and the form machinery whose names start with `_`,
 * such as `_csrf` and `_submission`): never checked for NHS numbers. A random key or UUID can hold ten digits that
 * pass the Modulus 11 check (about one in a thousand submission keys did), which refused forms at random.
 */
const NOT_FREE_TEXT =
  /^(_.*|password|newPassword|currentPassword|confirmPassword|submissionKey|idempotencyKey|token|email|emails|.*Id|id|ids)$/;

export interface TextGuardOptions {
  /** The longest any one string may be (default MAX_TEXT_LENGTH). */
  maxLength?: number;
  /** Field names whose values are allowed to look like NHS numbers (none by default). */
  allowNhsNumbers?: string[];
  /**
   * Top-level fields that carry a whole file's text (e.g. a framework import), with the
   * largest size each may be: checked against that size instead, and left to the file's
   * own reader (which reports problems by line) rather than the free-text checks.
   */
  files?: Record<string, number>;
}

/**
 * Every problem with the strings in `value`, keyed by the top-level field
 * they came from (so the form can show the message beside that field).
 * Nested objects and arrays are walked; the first problem per field wins.
 */
export function textProblems(value: unknown, options: TextGuardOptions = {}): Record<string, string> {
  const max = options.maxLength ?? MAX_TEXT_LENGTH;
  const allowed = new Set(options.allowNhsNumbers ?? []);
  const problems: Record<string, string> = {};
  const files = options.files ?? {};
  // Parsed bodies can hold objects that point back at each other (a multipart part at its body): visit each once.
  const seen = new WeakSet<object>();
  const visit = (v: unknown, field: string, depth: number): void => {
    if (problems[field] || depth > 20) return;
    if (v && typeof v === 'object') {
      if (seen.has(v)) return;
      seen.add(v);
    }
    if (typeof v === 'string') {
      const fileLimit = Object.hasOwn(files, field) ? files[field] : undefined;
      const limit = fileLimit ?? max;
      if (v.length > limit) {
        problems[field] =
          `This must be ${limit.toLocaleString('en-GB')} characters or fewer (it has ${v.length.toLocaleString('en-GB')})`;
        return;
      }
      if (fileLimit !== undefined) return;
      const key = field.split('.').pop() ?? field;
      if (!NOT_FREE_TEXT.test(key) && !allowed.has(field) && !isUuid(v)) {
        const nhs = nhsNumberProblem(v, 'this');
        if (nhs) problems[field] = nhs;
      }
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) visit(item, field, depth + 1);
      return;
    }
    if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
      for (const [k, inner] of Object.entries(v)) visit(inner, depth === 0 ? k : field, depth + 1);
    }
  };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) visit(v, k, 1);
  } else {
    visit(value, '_form', 1);
  }
  return problems;
}
