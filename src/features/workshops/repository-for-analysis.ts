import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { activities, clusters, notes, participants, sources, votes, workshops } from './tables';

/** Count and latest time of a set of rows, as text: part of a fingerprint. */
const countAndLatest = (id: unknown, at: unknown) =>
  sql<string>`count(${id})::text || '/' || coalesce(max(${at})::text, '-')`;

/**
 * A cheap fingerprint of a programme's workshop material: counts and latest times of its notes (an
 * edit, a move to a cluster or a withdrawal touches updated_at), votes, transcripts and workshops
 * (a change to a workshop's title, area or pillar touches its updated_at). It changes whenever what
 * analysisMaterial returns could have.
 */
export async function fingerprint(db: Db, programmeId: string): Promise<string> {
  const inProgramme = eq(workshops.programmeId, programmeId);
  const [n] = await db
    .select({ v: countAndLatest(notes.id, notes.updatedAt) })
    .from(notes)
    .innerJoin(activities, eq(activities.id, notes.activityId))
    .innerJoin(workshops, eq(workshops.id, activities.workshopId))
    .where(inProgramme);
  const [v] = await db
    .select({ v: countAndLatest(votes.id, votes.createdAt) })
    .from(votes)
    .innerJoin(activities, eq(activities.id, votes.activityId))
    .innerJoin(workshops, eq(workshops.id, activities.workshopId))
    .where(inProgramme);
  const [s] = await db
    .select({ v: countAndLatest(sources.id, sources.createdAt) })
    .from(sources)
    .innerJoin(workshops, eq(workshops.id, sources.workshopId))
    .where(inProgramme);
  const [w] = await db
    .select({ v: countAndLatest(workshops.id, workshops.updatedAt) })
    .from(workshops)
    .where(inProgramme);
  // Moving an activity changes no time: its order is summed up (a programme has tens of activities, not thousands).
  const [a] = await db
    .select({
      v: sql<string>`coalesce(md5(string_agg(${activities.id}::text || ':' || ${activities.position}, ',' order by ${activities.id})), '-')`,
    })
    .from(activities)
    .innerJoin(workshops, eq(workshops.id, activities.workshopId))
    .where(inProgramme);
  // A participant's account deleted changes their contributor key: count the participants with one.
  const [p] = await db
    .select({ v: sql<string>`count(${participants.userId})::text` })
    .from(participants)
    .innerJoin(workshops, eq(workshops.id, participants.workshopId))
    .where(inProgramme);
  return [
    'notes',
    n?.v,
    'votes',
    v?.v,
    'transcripts',
    s?.v,
    'workshops',
    w?.v,
    'activities',
    a?.v,
    'accounts',
    p?.v,
  ].join(' ');
}

/** Every note of a programme's workshops not withdrawn, with what analysis needs to know about it. */
export async function notesForAnalysis(db: Db, programmeId: string) {
  // Votes counted once per note in one pass (grouped), not once per note row.
  const voteCounts = db
    .select({ noteId: votes.noteId, n: sql<number>`count(*)::int`.as('n') })
    .from(votes)
    .innerJoin(activities, eq(activities.id, votes.activityId))
    .innerJoin(workshops, eq(workshops.id, activities.workshopId))
    .where(and(eq(workshops.programmeId, programmeId), isNotNull(votes.noteId)))
    .groupBy(votes.noteId)
    .as('vote_counts');
  return db
    .select({
      id: notes.id,
      text: notes.text,
      createdAt: notes.createdAt,
      updatedAt: notes.updatedAt,
      participantId: notes.participantId,
      userId: participants.userId,
      stakeholderType: participants.stakeholderType,
      activity: activities.prompt,
      activityPosition: activities.position,
      cluster: clusters.name,
      workshopId: workshops.id,
      workshop: workshops.title,
      area: workshops.area,
      pillar: workshops.pillar,
      anonymous: workshops.anonymous,
      votes: sql<number>`coalesce(${voteCounts.n}, 0)`,
    })
    .from(notes)
    .innerJoin(activities, eq(activities.id, notes.activityId))
    .innerJoin(workshops, eq(workshops.id, activities.workshopId))
    .leftJoin(participants, eq(participants.id, notes.participantId))
    .leftJoin(clusters, eq(clusters.id, notes.clusterId))
    .leftJoin(voteCounts, eq(voteCounts.noteId, notes.id))
    .where(and(eq(workshops.programmeId, programmeId), isNull(notes.withdrawnAt)));
}

/** Every transcript or set of meeting notes uploaded to a programme's workshops. */
export async function transcriptsForAnalysis(db: Db, programmeId: string) {
  return db
    .select({
      id: sources.id,
      filename: sources.filename,
      kind: sources.kind,
      text: sources.text,
      createdAt: sources.createdAt,
      workshopId: workshops.id,
      workshop: workshops.title,
      area: workshops.area,
      pillar: workshops.pillar,
      anonymous: workshops.anonymous,
    })
    .from(sources)
    .innerJoin(workshops, eq(workshops.id, sources.workshopId))
    .where(eq(workshops.programmeId, programmeId));
}
