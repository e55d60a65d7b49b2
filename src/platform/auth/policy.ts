/**
 * The one policy module: every "may this user do this to that?" is answered
 * here, and every route names one of these permissions. Pure: no I/O.
 */

export const PLATFORM_ROLES = ['admin', 'practitioner', 'supervisor'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

export const PROGRAMME_ROLES = [
  'lead',
  'facilitator',
  'analyst',
  'participant',
  'stakeholder-reviewer',
  'engagement-member',
] as const;
export type ProgrammeRole = (typeof PROGRAMME_ROLES)[number];

export const ROLE_LABELS: Record<PlatformRole | ProgrammeRole, string> = {
  admin: 'Platform admin',
  practitioner: 'Practitioner',
  supervisor: 'Supervisor',
  lead: 'Programme lead',
  facilitator: 'Facilitator',
  analyst: 'Analyst',
  participant: 'Participant',
  'stakeholder-reviewer': 'Stakeholder reviewer',
  'engagement-member': 'Engagement group member',
};

export interface Actor {
  userId: string | null;
  platformRoles: ReadonlySet<PlatformRole>;
  /** programme id → the actor's roles in it */
  programmeRoles: ReadonlyMap<string, ReadonlySet<ProgrammeRole>>;
}

export const ANONYMOUS: Actor = { userId: null, platformRoles: new Set(), programmeRoles: new Map() };

export interface Resource {
  programmeId?: string;
  /** The user a personal record belongs to. */
  ownerId?: string;
  studyId?: string;
  /** The study a panellist's session was opened for, from their link. */
  panellistStudyId?: string;
  workshopId?: string;
  /** Workshops this browser has joined. */
  joinedWorkshopIds?: string[];
  /** The programme whose themes this browser's representative came to review, from a review link. */
  reviewProgrammeId?: string;
  /** The supervisors a practitioner has chosen (for a record whose ownerId is that practitioner). */
  supervisorIds?: string[];
}

const isAdmin = (a: Actor) => a.platformRoles.has('admin');
const signedIn = (a: Actor) => a.userId !== null;
const hasProgrammeRole = (a: Actor, r: Resource, roles: readonly ProgrammeRole[]) => {
  if (!r.programmeId) return false;
  const mine = a.programmeRoles.get(r.programmeId);
  return !!mine && roles.some((role) => mine.has(role));
};

const leadsAnyProgramme = (a: Actor) => [...a.programmeRoles.values()].some((roles) => roles.has('lead'));

/** Educators who follow cohorts: supervisors, programme leads and facilitators, admins. */
const runsCohorts = (a: Actor) =>
  isAdmin(a) ||
  a.platformRoles.has('supervisor') ||
  [...a.programmeRoles.values()].some((roles) => roles.has('lead') || roles.has('facilitator'));

const rules = {
  /** Anyone, signed in or not. */
  public: () => true,
  /** Any signed-in user (their own account pages). */
  'signed-in': (a: Actor) => signedIn(a),
  'account.own': (a: Actor, r: Resource) => signedIn(a) && (r.ownerId === undefined || r.ownerId === a.userId),

  'admin.view': (a: Actor) => isAdmin(a),
  'audit.view': (a: Actor) => isAdmin(a),
  'outbox.view': (a: Actor) => isAdmin(a),
  'users.manage': (a: Actor) => isAdmin(a),

  /** Published frameworks, guides: anyone. Drafts need framework.manage, checked where a draft is loaded. */
  'framework.view': () => true,
  /** Import, draft, edit and publish frameworks: admins and the lead of any programme. */
  'framework.manage': (a: Actor) => isAdmin(a) || leadsAnyProgramme(a),
  'guide.edit': (a: Actor) => isAdmin(a),

  /** Delphi results and dashboards: the programme's lead, facilitators and analysts. */
  'delphi.view': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'facilitator', 'analyst']),
  /** Set up and run studies: the programme's lead and facilitators. */
  'delphi.manage': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'facilitator']),
  /** Send a study's agreed items into a draft framework: someone who runs the study and may edit frameworks. */
  'delphi.to-framework': (a: Actor, r: Resource) =>
    isAdmin(a) || (hasProgrammeRole(a, r, ['lead', 'facilitator']) && leadsAnyProgramme(a)),
  /** A panellist who entered through their link, for that study only. No account needed. */
  'delphi.panellist': (_a: Actor, r: Resource) => !!r.studyId && r.panellistStudyId === r.studyId,

  /** Workshop records and consoles: the programme's lead, facilitators and analysts. */
  'workshop.view': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'facilitator', 'analyst']),
  /** Run workshops: the programme's lead and facilitators. */
  'workshop.run': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'facilitator']),
  /** Someone who joined the workshop (with or without an account), for that workshop only. */
  'workshop.participant': (_a: Actor, r: Resource) => !!r.workshopId && !!r.joinedWorkshopIds?.includes(r.workshopId),

  /** Follow the development pathway: practitioners (and admins, to support them). Each sees only their own. */
  'pathway.follow': (a: Actor) => a.platformRoles.has('practitioner') || isAdmin(a),
  /** The supervision home: people with the supervisor role (they then see only those who chose them). */
  'supervision.list': (a: Actor) => a.platformRoles.has('supervisor') || isAdmin(a),
  /** Review, meet and sign off one practitioner: only a supervisor that practitioner chose. Admins are not let in. */
  'pathway.supervise': (a: Actor, r: Resource) =>
    a.platformRoles.has('supervisor') &&
    !!r.ownerId &&
    r.ownerId !== a.userId &&
    !!r.supervisorIds?.includes(a.userId!),
  /** Run a cohort (follow members' progress figures): supervisors, programme leads and facilitators, admins. */
  'cohort.create': (a: Actor) => runsCohorts(a),
  /** One cohort: the person who runs it, and the leads of the programme it belongs to. */
  'cohort.view': (a: Actor, r: Resource) =>
    signedIn(a) &&
    ((!!r.ownerId && r.ownerId === a.userId && runsCohorts(a)) || hasProgrammeRole(a, r, ['lead']) || isAdmin(a)),
  /** Anonymised pathway figures for a programme: its leads and analysts. */
  'pathway.aggregates': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'analyst']),

  /** Analysis (sources, codebook, their own coding): admins, and the programme's lead and analysts. */
  'analysis.view': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'analyst']),
  /** Code sources, edit the codebook, write memos: the programme's lead and analysts. Admins may look but are not coders. */
  'analysis.code': (a: Actor, r: Resource) => hasProgrammeRole(a, r, ['lead', 'analyst']),

  /** A representative who opened a review link, checking that programme's themes. No account needed. */
  'analysis.review': (_a: Actor, r: Resource) => !!r.programmeId && r.reviewProgrammeId === r.programmeId,

  'programme.list': (a: Actor) => signedIn(a),
  'programme.create': (a: Actor) => isAdmin(a),
  'programme.view': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, PROGRAMME_ROLES),
  'programme.manage': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead']),
  'programme.members.view': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead', 'facilitator']),
  'programme.members.invite': (a: Actor, r: Resource) => isAdmin(a) || hasProgrammeRole(a, r, ['lead']),
} satisfies Record<string, (a: Actor, r: Resource) => boolean>;

export type Permission = keyof typeof rules;
export const PERMISSIONS = Object.keys(rules) as Permission[];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(rules, value);
}

/** May `actor` do `permission` to `resource`? */
export function can(actor: Actor, permission: Permission, resource: Resource = {}): boolean {
  return rules[permission](actor, resource);
}

export function isPlatformRole(value: unknown): value is PlatformRole {
  return typeof value === 'string' && (PLATFORM_ROLES as readonly string[]).includes(value);
}

export function isProgrammeRole(value: unknown): value is ProgrammeRole {
  return typeof value === 'string' && (PROGRAMME_ROLES as readonly string[]).includes(value);
}

// ---- personal access token scopes ---------------------------------------------------

/**
 * The parts of the API a token can be limited to. A permission belongs to the
 * area named by its first word (programme.view → programmes); one with no
 * area here is reachable only with an all-areas scope.
 */
export const TOKEN_AREAS = {
  programmes: 'Programmes and their members',
  frameworks: 'Frameworks',
  workshops: 'Workshops',
  account: 'Your account',
} as const;
export type TokenArea = keyof typeof TOKEN_AREAS;

const AREA_OF: Record<string, TokenArea> = {
  programme: 'programmes',
  framework: 'frameworks',
  workshop: 'workshops',
  account: 'account',
  'signed-in': 'account',
};

/** The area a permission belongs to, if any. */
export function tokenAreaOf(permission: Permission): TokenArea | undefined {
  return AREA_OF[permission.split('.')[0]!];
}

/** `read` or `write` everywhere, or `AREA:read` / `AREA:write` in one area. */
export const TOKEN_ACCESS = ['read', 'write'] as const;

export function isTokenScope(value: string): boolean {
  const [a, b] = value.split(':');
  if (b === undefined) return (TOKEN_ACCESS as readonly string[]).includes(a!);
  return Object.hasOwn(TOKEN_AREAS, a!) && (TOKEN_ACCESS as readonly string[]).includes(b);
}

/**
 * May a token with these scopes call a route? Reading (GET, HEAD) needs a read
 * or write scope, anything else a write scope, for the route's area or for all
 * areas. The route's permission is still checked as for its owner: a scope only
 * ever narrows what the owner may do.
 */
export function tokenAllows(scopes: readonly string[], permission: Permission, method: string): boolean {
  const reading = method === 'GET' || method === 'HEAD';
  if (permission === 'public' && reading) return true;
  const area = tokenAreaOf(permission);
  const grants = (prefix: string) => scopes.includes(`${prefix}write`) || (reading && scopes.includes(`${prefix}read`));
  return grants('') || (!!area && grants(`${area}:`));
}

/**
 * The scope a route needs, in words for the refusal, naming the broader scopes that would also do:
 * "the frameworks:write scope (or write)".
 */
export function scopeNeeded(permission: Permission, method: string): string {
  const access = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  const area = tokenAreaOf(permission);
  const wanted = area ? `${area}:${access}` : access;
  const also = [
    ...(area && access === 'read' ? [`${area}:write`] : []),
    ...(area ? [access] : []),
    ...(access === 'read' ? ['write'] : []),
  ];
  const alternatives = also.length > 1 ? `${also.slice(0, -1).join(', ')} or ${also.at(-1)}` : also[0];
  return `the ${wanted} scope${alternatives ? ` (or ${alternatives})` : ''}`;
}
