import { describe, expect, it } from 'vitest';
import { authorLabel, canSee, joinCode, normaliseCode, secondsLeft, votesLeft } from './board';

const note = (over: Partial<{ participantId: string | null; hidden: boolean; withdrawnAt: Date | null }> = {}) => ({
  participantId: 'p1',
  hidden: false,
  withdrawnAt: null,
  ...over,
});
const open = { privateMode: false, revealed: false };
const privateUnrevealed = { privateMode: true, revealed: false };

describe('canSee', () => {
  it('shows public notes to everyone', () => {
    for (const kind of ['facilitator', 'participant', 'projector'] as const)
      expect(canSee(note(), open, { kind, participantId: 'p2' })).toBe(true);
  });
  it('in private mode shows participants only their own notes, the projector none, facilitators all', () => {
    expect(canSee(note(), privateUnrevealed, { kind: 'participant', participantId: 'p1' })).toBe(true);
    expect(canSee(note(), privateUnrevealed, { kind: 'participant', participantId: 'p2' })).toBe(false);
    expect(canSee(note(), privateUnrevealed, { kind: 'projector' })).toBe(false);
    expect(canSee(note(), privateUnrevealed, { kind: 'facilitator' })).toBe(true);
    expect(canSee(note(), { privateMode: true, revealed: true }, { kind: 'participant', participantId: 'p2' })).toBe(
      true,
    );
  });
  it('shows hidden notes to facilitators only, and withdrawn notes to nobody', () => {
    expect(canSee(note({ hidden: true }), open, { kind: 'participant', participantId: 'p1' })).toBe(false);
    expect(canSee(note({ hidden: true }), open, { kind: 'facilitator' })).toBe(true);
    expect(canSee(note({ withdrawnAt: new Date() }), open, { kind: 'facilitator' })).toBe(false);
  });
});

describe('authorLabel', () => {
  const author = { name: 'Jo', stakeholderType: 'Patient or citizen' };
  it('hides authors of an anonymous workshop, except from facilitators allowed to see', () => {
    const anon = { anonymous: true, facilitatorsSeeIdentity: false };
    expect(authorLabel(anon, author, { kind: 'participant', participantId: 'x' }, false)).toBeNull();
    expect(authorLabel(anon, author, { kind: 'facilitator' }, false)).toBeNull();
    expect(
      authorLabel({ anonymous: true, facilitatorsSeeIdentity: true }, author, { kind: 'facilitator' }, false),
    ).toBe('Jo (Patient or citizen)');
    expect(authorLabel(anon, author, { kind: 'participant', participantId: 'x' }, true)).toBe('You');
  });
  it('names authors of an open workshop, or their stakeholder type when they gave no name', () => {
    const named = { anonymous: false, facilitatorsSeeIdentity: false };
    expect(authorLabel(named, author, { kind: 'projector' }, false)).toBe('Jo (Patient or citizen)');
    expect(authorLabel(named, { name: '', stakeholderType: 'Clinician' }, { kind: 'projector' }, false)).toBe(
      'Clinician',
    );
    expect(authorLabel(named, null, { kind: 'participant', participantId: 'x' }, false)).toBe('Entered for the room');
  });
});

describe('codes, votes and timers', () => {
  it('makes six-character codes without look-alike characters, and reads codes forgivingly', () => {
    const code = joinCode(new Uint8Array([0, 1, 2, 30, 31, 255]));
    expect(code).toHaveLength(6);
    expect(code).not.toMatch(/[01ILO]/);
    expect(normaliseCode(' ab-c 12 ')).toBe('ABC12');
  });
  it('counts votes left and seconds left', () => {
    expect(votesLeft(3, 1)).toBe(2);
    expect(votesLeft(3, 5)).toBe(0);
    const start = new Date('2026-11-21T10:00:00Z');
    expect(secondsLeft(300, start, new Date('2026-11-21T10:01:00Z'))).toBe(240);
    expect(secondsLeft(300, start, new Date('2026-11-21T10:10:00Z'))).toBe(0);
    expect(secondsLeft(null, start, new Date())).toBeNull();
  });
});
