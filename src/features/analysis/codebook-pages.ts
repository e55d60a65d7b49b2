import type { FastifyReply } from 'fastify';
import { emptyForm, FieldError, formWithErrors, type FormState } from '../../platform/forms/forms';
import { CODE_COLOURS, descendantIds, DEFAULT_CODE_COLOUR, MAX_CODE_DEPTH } from './codebook';
import type { Code, CodeEvent } from './repository-codes';
import type { CodeWithCount } from './service-codebook';

/** What the codebook's pages show besides the service's data: choices, form values and history in words. */

type Programme = { id: string; name: string };
type Flat = { code: CodeWithCount; depth: number }[];

export const codebookPath = (programmeId: string) => `/programmes/${programmeId}/analysis/codebook`;
export const codePagePath = (code: { programmeId: string; id: string }) =>
  `${codebookPath(code.programmeId)}/${code.id}`;

/** The palette as the colour radios show it: each colour by name beside its swatch. */
export const colourChoices = CODE_COLOURS.map((c) => ({ value: c.value, name: c.name }));

/** The codes as a select's options, sub-codes indented under their parents by dashes. */
export function codeOptions(flat: Flat, leaveOut: ReadonlySet<string> = new Set()) {
  return flat
    .filter((n) => !leaveOut.has(n.code.id))
    .map((n) => ({ value: n.code.id, text: `${'– '.repeat(n.depth - 1)}${n.code.name}` }));
}

/** Codes that may be a parent of a new code: those not already at the deepest level. */
export const parentOptions = (flat: Flat) => codeOptions(flat.filter((n) => n.depth < MAX_CODE_DEPTH));

/** Where a code may move: anywhere but under itself or its own sub-codes. */
export function moveOptions(flat: Flat, all: readonly Code[], code: Code) {
  return codeOptions(flat, new Set([code.id, ...descendantIds(all, code.id)]));
}

/** The add form as first shown: the parent chosen on the page it came from, and the first colour. */
export const newCodeForm = (parentId: string | undefined) =>
  emptyForm({ parentId: parentId ?? '', colour: DEFAULT_CODE_COLOUR });

/** The edit form as first shown: the code as it is. */
export const editCodeForm = (c: Code) =>
  emptyForm({
    name: c.name,
    definition: c.definition,
    whenToUse: c.whenToUse,
    whenNotToUse: c.whenNotToUse,
    example: c.example,
    colour: c.colour,
  });

const quoted = (s: unknown) => `“${String(s ?? '')}”`;
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const list = (v: unknown) => (Array.isArray(v) ? v : []);
const FIELD_NAMES: Record<string, string> = {
  definition: 'definition',
  whenToUse: 'when to use',
  whenNotToUse: 'when not to use',
  example: 'example',
  colour: 'colour',
};

/** One line of a code's history in words, with a link where it names another code. */
export function describeEvent(e: CodeEvent, names: Map<string, string>, programmeId: string) {
  const d = e.details as Record<string, unknown>;
  const link = (id: unknown) =>
    typeof id === 'string' && names.has(id)
      ? { href: `${codebookPath(programmeId)}/${id}`, text: names.get(id)! }
      : null;
  const path = (p: unknown) => (list(p).length ? list(p).join(' / ') : 'the top level');
  let text: string;
  let links: { href: string; text: string }[] = [];
  switch (e.action) {
    case 'create':
      text = `Created as ${quoted(d.name)}`;
      break;
    case 'rename':
      text = `Renamed from ${quoted(d.from)} to ${quoted(d.to)}`;
      break;
    case 'edit':
      text = `Changed its ${list(d.fields)
        .map((f) => FIELD_NAMES[String(f)] ?? String(f))
        .join(', ')}`;
      break;
    case 'move':
      text = `Moved from ${path(d.from)} to ${path(d.to)}`;
      break;
    case 'merge':
      if (d.into) {
        text = `Merged into ${quoted(d.intoName)}: ${count(list(d.codingsMoved).length + list(d.codingsFolded).length, 'coding', 'codings')} moved there`;
        links = [link(d.into)].filter((l) => l !== null);
      } else {
        const merged = list(d.merged) as { id: string; name: string }[];
        text = `${merged.map((m) => quoted(m.name)).join(', ')} merged into this code: ${count(list(d.codingsMoved).length, 'coding', 'codings')} moved here`;
        if (list(d.codingsFolded).length)
          text += `, ${count(list(d.codingsFolded).length, 'coding', 'codings')} the same as one already here joined it`;
        links = merged.map((m) => link(m.id)).filter((l) => l !== null);
      }
      break;
    case 'split':
      if (d.into) {
        const into = list(d.into) as { id: string; name: string }[];
        text = `Split: this code became ${quoted(d.to)}, and ${into.map((c) => quoted(c.name)).join(', ')} ${into.length === 1 ? 'was' : 'were'} made beside it; its codings stayed here`;
        links = into.map((c) => link(c.id)).filter((l) => l !== null);
      } else {
        text = `Made by splitting ${quoted(d.fromName)}`;
        links = [link(d.from)].filter((l) => l !== null);
      }
      break;
    default:
      text = e.action;
  }
  return { at: e.at, who: e.actorName ?? 'Someone no longer registered', text, links };
}

/**
 * Runs a change; a rule the service reports against a field shows the form again (`again` answers 400) with the message
 * in the error summary and beside the field.
 */
export async function orFormAgain(
  body: unknown,
  order: string[],
  work: () => Promise<FastifyReply>,
  again: (form: FormState) => FastifyReply | Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    const values = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    return again(formWithErrors(values, { [e.field]: e.message }, order));
  }
}

export type { Programme };
