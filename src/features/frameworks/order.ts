import { createHash } from 'node:crypto';
import type { FrameworkDoc, FrameworkItem } from './model';

/**
 * Items in depth-first order (each parent followed by its children, siblings
 * in their given order), so every format exports one canonical order.
 * Items whose parent is missing keep their place at the end.
 */
export function depthFirst(items: FrameworkItem[]): FrameworkItem[] {
  const children = new Map<string | null, FrameworkItem[]>();
  const codes = new Set(items.map((i) => i.code));
  for (const item of items) {
    const parent = item.parentCode !== null && codes.has(item.parentCode) ? item.parentCode : null;
    children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const out: FrameworkItem[] = [];
  const seen = new Set<string>();
  const visit = (item: FrameworkItem) => {
    if (seen.has(item.code)) return;
    seen.add(item.code);
    out.push(item);
    for (const child of children.get(item.code) ?? []) visit(child);
  };
  for (const root of children.get(null) ?? []) visit(root);
  for (const item of items) if (!seen.has(item.code)) out.push(item);
  return out;
}

/** The document with its keys in a fixed order and items depth-first: what every export starts from. */
export function canonical(doc: FrameworkDoc): FrameworkDoc {
  return {
    format: 'waymark-framework',
    formatVersion: 1,
    framework: {
      identifier: doc.framework.identifier,
      shortName: doc.framework.shortName,
      title: doc.framework.title,
      publisher: doc.framework.publisher,
      kind: doc.framework.kind,
      area: doc.framework.area,
      description: doc.framework.description,
    },
    version: {
      label: doc.version.label,
      status: doc.version.status,
      publishedAt: doc.version.publishedAt,
      changedAt: doc.version.changedAt,
      sourceNote: doc.version.sourceNote,
      licenceNote: doc.version.licenceNote,
    },
    stages: doc.stages.map((s) => ({ key: s.key, label: s.label })),
    items: depthFirst(doc.items).map((i) => ({
      identifier: i.identifier,
      code: i.code,
      type: i.type,
      parentCode: i.parentCode,
      text: i.text,
      description: i.description,
      stage: i.stage,
      area: i.area,
      notes: i.notes,
      ...(i.case ? { case: i.case } : {}),
    })),
    mappings: [...doc.mappings]
      .sort(
        (a, b) =>
          a.fromCode.localeCompare(b.fromCode, 'en', { numeric: true }) ||
          a.toFramework.localeCompare(b.toFramework) ||
          a.toCode.localeCompare(b.toCode, 'en', { numeric: true }),
      )
      .map((m) => ({ fromCode: m.fromCode, toFramework: m.toFramework, toCode: m.toCode, kind: m.kind })),
    ...(doc.case ? { case: doc.case } : {}),
  };
}

/**
 * A name-based UUID (version 5 layout over SHA-1), so identifiers derived from
 * stable names come out the same on every export. Node has no v5 built in and
 * this is the whole algorithm (RFC 9562 §5.5), so no library is pulled in for it.
 */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(`waymark:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
