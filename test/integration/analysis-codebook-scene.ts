import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Driver } from '../../src/platform/db/database';
import {
  analysisCodeEvents,
  analysisCodes,
  analysisCodings,
  analysisSources,
} from '../../src/features/analysis/tables';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient } from '../helpers/client';
import { buildProgramme, buildUser } from '../helpers/factories';

/**
 * The codebook tests' set-up: a programme with an analyst (signed in), a participant, an admin, and an analyst of
 * another programme; helpers to add codes through the pages, code sources directly, and read the tables back.
 */
export async function setUpCodebook(driver: Driver) {
  const t: TestApp = await buildTestApp(driver);
  const [analystUser, participantUser, outsiderUser, adminUser] = await Promise.all([
    buildUser(t.app, { name: 'Ana Lyst' }),
    buildUser(t.app),
    buildUser(t.app),
    buildUser(t.app, { roles: ['admin'] }),
  ]);
  const programme = await buildProgramme(t.app, {
    members: [
      { userId: analystUser.id, role: 'analyst' },
      { userId: participantUser.id, role: 'participant' },
    ],
  });
  const other = await buildProgramme(t.app, { members: [{ userId: outsiderUser.id, role: 'analyst' }] });
  const signedIn = async (u: { email: string; password: string }) => {
    const c = new TestClient(t.app);
    await c.signIn(u.email, u.password);
    return c;
  };
  const analyst = await signedIn(analystUser);
  const participant = await signedIn(participantUser);
  const outsider = await signedIn(outsiderUser);
  const admin = await signedIn(adminUser);
  const base = `/programmes/${programme.id}/analysis/codebook`;
  const db = t.app.platform.db;

  /** Adds a code through the add page; returns its id. */
  async function addCode(name: string, parentId = '', extra: Record<string, string> = {}) {
    const res = await analyst.submit(`${base}/new`, base, { name, parentId, colour: '#007f3b', ...extra });
    expect(res.statusCode, `adding ${name}: ${res.body.slice(0, 200)}`).toBe(302);
    return String(res.headers.location).split('/').pop()!;
  }

  const codes = () => db.select().from(analysisCodes).where(eq(analysisCodes.programmeId, programme.id));
  const codeRow = async (id: string) => (await db.select().from(analysisCodes).where(eq(analysisCodes.id, id)))[0]!;
  const events = (codeId: string) =>
    db.select().from(analysisCodeEvents).where(eq(analysisCodeEvents.codeId, codeId)).orderBy(analysisCodeEvents.at);
  const codingsOf = (codeId: string) => db.select().from(analysisCodings).where(eq(analysisCodings.codeId, codeId));

  let sourceCount = 0;
  /** A source of the programme, as if brought in from a workshop note. */
  async function addSource(text: string) {
    const [row] = await db
      .insert(analysisSources)
      .values({
        programmeId: programme.id,
        kind: 'workshop-note',
        originId: crypto.randomUUID(),
        title: `Note ${++sourceCount}`,
        text,
      })
      .returning();
    return row!.id;
  }

  /** A coding of a source by a coder: the whole source, or a span in code points. */
  async function code(codeId: string, sourceId: string, coderId: string, span: [number, number] | null = null) {
    const [row] = await db
      .insert(analysisCodings)
      .values({
        programmeId: programme.id,
        sourceId,
        codeId,
        coderId,
        startCp: span?.[0] ?? null,
        endCp: span?.[1] ?? null,
      })
      .returning();
    return row!.id;
  }

  const liveNamed = async (name: string) =>
    (
      await db
        .select()
        .from(analysisCodes)
        .where(and(eq(analysisCodes.programmeId, programme.id), eq(analysisCodes.name, name)))
    ).filter((c) => c.mergedIntoId === null);

  return {
    t,
    programme,
    other,
    analyst,
    participant,
    outsider,
    admin,
    analystUser,
    outsiderUser,
    base,
    addCode,
    codes,
    codeRow,
    events,
    codingsOf,
    addSource,
    code,
    liveNamed,
  };
}
