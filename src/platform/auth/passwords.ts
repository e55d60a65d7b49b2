import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane. (2 is Algorithm.Argon2id, a const enum.)
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;
/** The hint under every "choose a password" field. */
export const PASSWORD_HINT = `Use ${MIN_PASSWORD_LENGTH} characters or more. A few unrelated words make a strong password that is easy to remember.`;
export const MAX_PASSWORD_LENGTH = 256;

const common = new Set<string>((dictionary.passwords as string[]).map((p) => p.toLowerCase()));

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Why a password is refused, in words a person can act on, or null when it is acceptable.
 * `personal` holds things the password must not be built from (email, name).
 */
export function passwordProblem(password: string, personal: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  }
  const lower = password.toLowerCase();
  if (common.has(lower)) {
    return 'Password is too common. Choose a password that other people are unlikely to use';
  }
  if (new Set(lower).size < 4) {
    return 'Password must use at least 4 different characters';
  }
  for (const p of personal) {
    const part = p.toLowerCase().split('@')[0]?.trim() ?? '';
    if (part.length >= 4 && lower.includes(part)) {
      return 'Password must not contain your name or email address';
    }
  }
  return null;
}
