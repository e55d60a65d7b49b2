/**
 * Finds NHS numbers in free text: ten digits, written together or as 3-3-4
 * with spaces or hyphens, whose last digit is the Modulus 11 check digit of
 * the first nine. Numbers that fail the check are not NHS numbers, so phone
 * numbers and dates rarely trip it.
 */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

export function findNhsNumbers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)/g)) {
    const digits = `${m[1]}${m[2]}${m[3]}`;
    if (isValidNhsNumber(digits)) found.push(m[0]);
  }
  return found;
}

/** The message shown when free text contains what looks like an NHS number; null when it does not. */
export function nhsNumberProblem(text: string, what = 'your text'): string | null {
  const found = findNhsNumbers(text);
  if (found.length === 0) return null;
  return `${what[0]!.toUpperCase()}${what.slice(1)} contains what looks like an NHS number (${found[0]}). Take out anything that could identify a patient, then try again`;
}
