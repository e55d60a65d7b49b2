import type { Browser, Page } from 'playwright-core';
import {
  analysisCoderProgress,
  analysisCodes,
  analysisCodings,
  analysisSources,
} from '../../src/features/analysis/tables';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildProgramme, buildUser } from '../helpers/factories';
import { launchBrowser, signIn } from './browser';

type User = Awaited<ReturnType<typeof buildUser>>;
type Viewport = { width: number; height: number };

/** Serves a test app on a free local port and launches Chromium: the origin to visit, the browser, and the close. */
export async function serveInChromium(t: TestApp) {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await t.close();
    throw e;
  }
  /** A new page in its own context at this size, signed in as the user. */
  async function signedIn(user: { email: string; password: string }, viewport: Viewport): Promise<Page> {
    const page = await (await browser.newContext({ viewport })).newPage();
    await signIn(page, origin, user.email, user.password);
    return page;
  }
  async function close() {
    await browser.close();
    await t.close();
  }
  return { origin, browser, signedIn, close };
}

/**
 * The set-up the analysis browser files start from: an app on the embedded database, a programme with `count`
 * analysts (the first is the one the tests sign in as), served on a local port with Chromium launched.
 */
export async function setUpAnalysisScene(count = 1) {
  const t = await buildTestApp('pglite');
  const analysts: User[] = await Promise.all(Array.from({ length: count }, () => buildUser(t.app)));
  const programme = await buildProgramme(t.app, {
    members: analysts.map((a) => ({ userId: a.id, role: 'analyst' as const })),
  });
  const served = await serveInChromium(t);
  return { t, db: t.app.platform.db, analysts, programme, analysis: `/programmes/${programme.id}/analysis`, ...served };
}

export type AnalysisScene = Awaited<ReturnType<typeof setUpAnalysisScene>>;

/** A code of the programme, straight into the database. */
export async function insertCode(scene: AnalysisScene, name: string) {
  const [code] = await scene.db.insert(analysisCodes).values({ programmeId: scene.programme.id, name }).returning();
  return code!;
}

/** A workshop note in the programme's sources, coded with the code by every analyst, each having finished it. */
export async function insertCodedNote(
  scene: AnalysisScene,
  codeId: string,
  note: Omit<typeof analysisSources.$inferInsert, 'programmeId' | 'kind' | 'originId'>,
) {
  const { db, programme } = scene;
  const [s] = await db
    .insert(analysisSources)
    .values({ programmeId: programme.id, kind: 'workshop-note', originId: crypto.randomUUID(), ...note })
    .returning();
  for (const { id: coderId } of scene.analysts) {
    await db.insert(analysisCoderProgress).values({ sourceId: s!.id, coderId });
    await db.insert(analysisCodings).values({ programmeId: programme.id, sourceId: s!.id, codeId, coderId });
  }
  return s!;
}
