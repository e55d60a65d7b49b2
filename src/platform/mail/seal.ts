import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';
import { getOrCreateSetting } from '../db/settings';

/** The settings row holding the outbox key: made once per installation, like the session secret. */
export const OUTBOX_KEY_SETTING = 'outbox_key';
const VERSION = 'v1';

/** The outbox key (AES-256), made if missing. Call it on the database itself at startup, never inside a transaction that might roll back. */
export async function outboxKey(db: Db): Promise<Buffer> {
  const value = await getOrCreateSetting(db, OUTBOX_KEY_SETTING, () => randomBytes(32).toString('base64url'));
  const key = Buffer.from(value, 'base64url');
  if (key.length !== 32) throw new Error(`the ${OUTBOX_KEY_SETTING} setting is not a 256-bit key`);
  return key;
}

/**
 * Encrypts with AES-256-GCM. `context` (the recipient) is authenticated with
 * it, so a sealed text moved to another row does not open.
 */
export function seal(key: Buffer, plain: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

/** Reverses `seal`; throws if the text, the key or the context do not match. */
export function unseal(key: Buffer, sealed: string, context: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed outbox text');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
