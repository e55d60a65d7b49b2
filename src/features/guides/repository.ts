import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { guides } from './tables';

export type Guide = typeof guides.$inferSelect;

export function listGuides(db: Db): Promise<Guide[]> {
  return db.select().from(guides).orderBy(asc(guides.position), asc(guides.title));
}

export async function getGuide(db: Db, slug: string): Promise<Guide | undefined> {
  const [row] = await db.select().from(guides).where(eq(guides.slug, slug));
  return row;
}

export async function updateGuide(db: Db, slug: string, values: Partial<typeof guides.$inferInsert>) {
  await db.update(guides).set(values).where(eq(guides.slug, slug));
}

/** Inserts the guides that are not there yet; returns how many were added. */
export async function insertMissingGuides(db: Db, rows: (typeof guides.$inferInsert)[]): Promise<number> {
  const added = await db.insert(guides).values(rows).onConflictDoNothing().returning({ slug: guides.slug });
  return added.length;
}
