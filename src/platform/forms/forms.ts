import type { z } from 'zod';
import { textProblems, type TextGuardOptions } from './text-guard';
import './messages';

/** What a page needs to show a form again: what was typed, the inline messages and the error summary. */
export interface FormState {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  errorList: { text: string; href: string }[];
}

export const emptyForm = (values: Record<string, unknown> = {}): FormState => ({ values, errors: {}, errorList: [] });

/** Fields never echoed back into a page. */
const SECRET_FIELDS = new Set(['password', 'newPassword', 'currentPassword', 'confirmPassword', '_csrf']);

function safeValues(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !SECRET_FIELDS.has(k)));
}

/** Builds a form state from field messages, keeping the first message per field in `order`. */
export function formWithErrors(
  values: Record<string, unknown>,
  errors: Record<string, string>,
  order: string[] = [],
): FormState {
  const fields = [...order.filter((f) => errors[f]), ...Object.keys(errors).filter((f) => !order.includes(f))];
  return {
    values: safeValues(values),
    errors,
    errorList: fields.map((f) => ({ text: errors[f]!, href: `#${f}` })),
  };
}

/** The first message for each field of a failed zod parse. */
export function zodFieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    if (!errors[key]) errors[key] = issue.message;
  }
  return errors;
}

export type ParseResult<T> = { ok: true; data: T } | { ok: false; form: FormState };

/**
 * Parses a submitted form with a zod schema. On failure the result carries
 * everything to re-show the form; nothing has been saved.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  order: string[] = [],
  guard: TextGuardOptions = {},
): ParseResult<z.infer<S>> {
  const values = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const parsed = schema.safeParse(values);
  // Every failing field at once: the schema's messages, then the free-text guard on what the schema let through.
  const errors = parsed.success ? {} : zodFieldErrors(parsed.error);
  const text = textProblems(parsed.success ? parsed.data : values, guard);
  for (const [field, message] of Object.entries(text)) errors[field] ??= message;
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, data: parsed.data };
  return { ok: false, form: formWithErrors(values, errors, order) };
}

/** A domain rule broken inside a service, reported against one field. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}
