import { frameworkDocSchema, type FrameworkDoc, type ImportProblem, type ParseResult } from '../model';
import { canonical } from '../order';
import { validateDoc } from '../validate';

/** Waymark JSON: the framework document itself, lossless. */
export function toJson(doc: FrameworkDoc): string {
  return `${JSON.stringify(canonical(doc), null, 2)}\n`;
}

function placeOf(path: PropertyKey[], raw: unknown): string {
  if (path[0] === 'items' && typeof path[1] === 'number') {
    const code = (raw as { items?: { code?: unknown }[] })?.items?.[path[1]]?.code;
    return `item ${path[1] + 1}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  if (path[0] === 'mappings' && typeof path[1] === 'number') return `mapping ${path[1] + 1}`;
  return String(path[0] ?? 'file');
}

export function fromJson(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ where: 'file', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const parsed = frameworkDocSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: ImportProblem[] = parsed.error.issues.map((i) => ({
      where: placeOf(i.path, raw),
      message:
        `${i.path.slice(i.path[0] === 'items' || i.path[0] === 'mappings' ? 2 : 1).join('.') || i.path.join('.')}: ${i.message}`.replace(
          /^: /,
          '',
        ),
    }));
    return { ok: false, problems };
  }
  const doc = parsed.data;
  const problems = validateDoc(doc, (i) => `item ${i + 1} (${doc.items[i]!.code})`);
  return problems.length ? { ok: false, problems } : { ok: true, doc: canonical(doc) };
}
