import type { Db } from '../../platform/db/database';
import { latestOf, unitsOf, type Units } from './compare-units';
import * as codesRepo from './repository-codes';
import * as repo from './repository-compare';

/*
 * Reading the units coders are compared on: the rows come from the repositories, compare-units.ts builds the units
 * and picks the adjudications that count.
 */

/** The programme's units: every source marked done by a coder, with the done coders' codings by code. */
export async function loadUnits(db: Db, programmeId: string): Promise<Units> {
  const [marks, codings, codes] = await Promise.all([
    repo.doneMarks(db, programmeId),
    repo.doneCodings(db, programmeId),
    codesRepo.codesOf(db, programmeId),
  ]);
  return unitsOf(marks, codings, codes);
}

/** The adjudication that counts for each disagreement ("source:code"), codes resolved through merges. */
export async function latestAdjudications(db: Db, programmeId: string, resolve: (codeId: string) => string) {
  return latestOf(await repo.adjudicationsOf(db, programmeId), resolve);
}
