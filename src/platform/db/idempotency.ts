import { eq } from 'drizzle-orm';
import type { Db } from './database';
import { submissions } from './tables';

/**
 * Runs `work` once per submission key. The form carries a key made when it
 * was shown; a double click or a retry with the same key gets the first
 * result back instead of acting twice. If `work` throws, nothing is kept and
 * the same key may be tried again.
 */
export async function once<T>(
  db: Db,
  key: string | undefined,
  userId: string | null,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  if (!key) return db.transaction((tx) => work(tx as unknown as Db));
  const scoped = `${userId ?? 'anon'}:${key}`;
  const fresh = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    // Blocks on a concurrent insert of the same key until that one commits.
    const claimed = await tx
      .insert(submissions)
      .values({ key: scoped, userId, result: {} })
      .onConflictDoNothing()
      .returning();
    if (claimed.length === 0) return { repeated: true as const };
    const result = await work(tx);
    await tx
      .update(submissions)
      .set({ result: { value: result ?? null } })
      .where(eq(submissions.key, scoped));
    return { repeated: false as const, result };
  });
  if (!fresh.repeated) return fresh.result;
  const [row] = await db.select().from(submissions).where(eq(submissions.key, scoped));
  return (row?.result as { value: T }).value;
}
