/** Pure rules for who sees what on a workshop board. */

export const DEFAULT_SCRIPT = [
  'What is the ultimate purpose of the developmental framework?',
  'How can the purpose be achieved?',
  'What are the enablers?',
  'What other values and beliefs matter to achieving the purpose?',
];

export const WORKSHOP_KINDS = {
  area: 'Area workshop (one pillar)',
  'expert-practice': 'Expert practice (one area)',
  'cross-area': 'Cross-area synthesis',
  findings: 'Presenting findings back',
} as const;
export type WorkshopKind = keyof typeof WORKSHOP_KINDS;

/** A workshop's status as people read it (the stored key is planned, live or ended). */
export const WORKSHOP_STATUS_LABELS: Record<string, string> = {
  planned: 'Not started yet',
  live: 'Running now',
  ended: 'Ended',
};

export const PILLARS = [
  'Strategic and enabling leadership',
  'Learning, developing and improving across the system',
  'Research and innovation',
  'Consultancy',
];

// No 0/O or 1/I/L, so a code read aloud or off a projector is typed right first time.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A short join code from random bytes. */
export function joinCode(random: Uint8Array): string {
  return [...random.slice(0, 6)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** People type codes in any case, with spaces or dashes. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export type ViewerKind = 'facilitator' | 'participant' | 'projector';
export interface Viewer {
  kind: ViewerKind;
  participantId?: string;
}

export interface NoteLike {
  participantId: string | null;
  hidden: boolean;
  withdrawnAt: Date | null;
}
export interface ActivityLike {
  privateMode: boolean;
  revealed: boolean;
}

/**
 * Can this viewer see this note? Withdrawn notes are gone for everyone but stay
 * in the record; hidden (off-topic) notes only facilitators see; in private
 * mode, until the facilitator reveals, participants see only their own and the
 * projector shows none.
 */
export function canSee(note: NoteLike, activity: ActivityLike, viewer: Viewer): boolean {
  if (note.withdrawnAt) return false;
  if (viewer.kind === 'facilitator') return true;
  if (note.hidden) return false;
  if (activity.privateMode && !activity.revealed)
    return viewer.kind === 'participant' && note.participantId === viewer.participantId;
  return true;
}

export interface WorkshopIdentity {
  anonymous: boolean;
  facilitatorsSeeIdentity: boolean;
}
export interface Author {
  name: string;
  stakeholderType: string;
}

/** How a note's author is shown to this viewer, or null for nobody. */
export function authorLabel(
  workshop: WorkshopIdentity,
  author: Author | null,
  viewer: Viewer,
  own: boolean,
): string | null {
  if (own) return 'You';
  if (!author) return viewer.kind === 'projector' ? null : 'Entered for the room';
  if (workshop.anonymous)
    return viewer.kind === 'facilitator' && workshop.facilitatorsSeeIdentity
      ? `${author.name || 'No name given'} (${author.stakeholderType})`
      : null;
  return author.name ? `${author.name} (${author.stakeholderType})` : author.stakeholderType;
}

/** Votes a participant has left in an activity. */
export function votesLeft(allowance: number, used: number): number {
  return Math.max(0, allowance - used);
}

/** Seconds left on an activity's timer, or null when it has none or has not started. */
export function secondsLeft(timerSeconds: number | null, startedAt: Date | null, now: Date): number | null {
  if (!timerSeconds || !startedAt) return null;
  return Math.max(0, Math.round(timerSeconds - (now.getTime() - startedAt.getTime()) / 1000));
}
