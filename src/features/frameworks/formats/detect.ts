import type { Format } from '../model';

/** Guesses a file's format from its name and first characters. */
export function detectFormat(filename: string, text: string): Format {
  if (/\.csv$/i.test(filename)) return 'csv';
  const head = text.trimStart().slice(0, 2000);
  if (!head.startsWith('{')) return 'csv';
  return head.includes('"CFDocument"') ? 'case' : 'json';
}
