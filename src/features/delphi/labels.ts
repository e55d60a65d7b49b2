import { CONSULTANT_STAGES } from '../frameworks/model';

/**
 * What people read instead of the keys Delphi stores: stages (the pathway's
 * stages, as frameworks name them) and round statuses. A stage key no
 * framework names (say, from an imported framework with its own stages) is
 * written out in words rather than shown as a key.
 */
export const STAGE_OPTIONS = CONSULTANT_STAGES.map((s) => ({ value: s.key, text: s.label }));

const STAGE_LABELS = new Map(CONSULTANT_STAGES.map((s) => [s.key, s.label]));

export function stageLabel(key: string | null | undefined): string {
  if (!key) return '';
  const known = STAGE_LABELS.get(key);
  if (known) return known;
  const words = key.replace(/[-_]+/g, ' ').trim();
  return words ? `${words[0]!.toUpperCase()}${words.slice(1)}` : '';
}

/** A stage as typed in a CSV or a form: its key or its label, in any case. Undefined when no stage matches. */
export function stageFromInput(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  return CONSULTANT_STAGES.find((s) => s.key === t || s.label.toLowerCase() === t)?.key;
}

const ROUND_STATUS: Record<string, string> = { draft: 'Being prepared', open: 'Open', closed: 'Closed' };

export const roundStatusLabel = (status: string): string => ROUND_STATUS[status] ?? status;
