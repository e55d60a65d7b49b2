import { eq } from 'drizzle-orm';
import type { Db } from './database';
import { settings } from './tables';

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row?.value;
}

/** Stores `value` unless the key already has one; returns whichever value won (safe when instances race). */
export async function getOrCreateSetting(db: Db, key: string, make: () => string): Promise<string> {
  await db.insert(settings).values({ key, value: make() }).onConflictDoNothing();
  const value = await getSetting(db, key);
  if (value === undefined) throw new Error(`setting ${key} vanished`);
  return value;
}
