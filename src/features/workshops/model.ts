import type { WorkshopKind } from './board';

/** The event channel of one workshop: every screen of it (console, board, projector) listens here. */
export const channelOf = (workshopId: string) => `workshop:${workshopId}`;

/** What a facilitator can do to a running workshop ('private-off' reveals, like 'reveal'). */
export const CONTROL_ACTIONS = [
  'start',
  'pause',
  'resume',
  'end',
  'private-on',
  'private-off',
  'reveal',
  'voting-open',
  'voting-close',
  'votes-reveal',
  'close',
] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** What organising selected notes can do: move them to a cluster (or out), hide, show, or merge them as duplicates. */
export const ORGANISE_ACTIONS = ['move', 'hide', 'show', 'merge'] as const;
export type OrganiseAction = (typeof ORGANISE_ACTIONS)[number];

/** A workshop as it is set up (the set-up form and the API give this, once checked). */
export interface WorkshopInput {
  kind: WorkshopKind;
  title: string;
  area: string | null;
  pillar: string | null;
  startsAt: Date | null;
  place: string;
  onlineUrl: string;
  anonymous: boolean;
  facilitatorsSeeIdentity: boolean;
  templateId: string | null;
}

export interface WorkshopsDeps {
  /** The names of a programme's clinical areas (from the programmes feature), so a workshop's area is one of them. */
  areaNames?: (programmeId: string) => Promise<string[]>;
}

/** What organising does to the selected notes, as the service takes it. */
export type NoteOrganising =
  { kind: 'move'; clusterId: string | null } | { kind: 'hide'; hidden: boolean } | { kind: 'merge' };

/** An organise request (the console's or the API's) as the service takes it. */
export function organising(action: OrganiseAction, clusterId: string | null): NoteOrganising {
  if (action === 'move') return { kind: 'move', clusterId };
  if (action === 'merge') return { kind: 'merge' };
  return { kind: 'hide', hidden: action === 'hide' };
}
