import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  can,
  isPermission,
  isTokenScope,
  PERMISSIONS,
  PLATFORM_ROLES,
  PROGRAMME_ROLES,
  scopeNeeded,
  tokenAllows,
  tokenAreaOf,
  type Actor,
  type PlatformRole,
  type ProgrammeRole,
} from './policy';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';

function actor(platform: PlatformRole[] = [], programme: ProgrammeRole[] = []): Actor {
  return {
    userId: 'u1',
    platformRoles: new Set(platform),
    programmeRoles: new Map(programme.length ? [[P1, new Set(programme)]] : []),
  };
}

describe('policy', () => {
  it('lets anonymous people do only public things', () => {
    for (const p of PERMISSIONS)
      expect(can(ANONYMOUS, p, { programmeId: P1 }), p).toBe(p === 'public' || p === 'framework.view');
  });

  it('lets an admin do everything except act as a Delphi panellist', () => {
    for (const p of PERMISSIONS)
      expect(can(actor(['admin']), p, { programmeId: P1 }), p).toBe(
        !['delphi.panellist', 'workshop.participant', 'pathway.supervise', 'analysis.code', 'analysis.review'].includes(
          p,
        ),
      );
  });

  it('gives each programme role exactly its permissions in its own programme', () => {
    const expected: Record<ProgrammeRole, string[]> = {
      lead: ['programme.view', 'programme.manage', 'programme.members.view', 'programme.members.invite'],
      facilitator: ['programme.view', 'programme.members.view'],
      analyst: ['programme.view'],
      participant: ['programme.view'],
      'stakeholder-reviewer': ['programme.view'],
      'engagement-member': ['programme.view'],
    };
    const programmePermissions = PERMISSIONS.filter(
      (p) => p.startsWith('programme.') && p !== 'programme.list' && p !== 'programme.create',
    );
    for (const role of PROGRAMME_ROLES) {
      expect(can(actor([], [role]), 'pathway.aggregates', { programmeId: P1 }), role).toBe(
        ['lead', 'analyst'].includes(role),
      );
      expect(can(actor([], [role]), 'pathway.aggregates', { programmeId: P2 }), role).toBe(false);
      expect(can(actor([], [role]), 'cohort.create'), role).toBe(['lead', 'facilitator'].includes(role));
    }
    for (const role of PROGRAMME_ROLES) {
      for (const p of programmePermissions) {
        expect(can(actor([], [role]), p, { programmeId: P1 }), `${role} ${p}`).toBe(expected[role].includes(p));
        expect(can(actor([], [role]), p, { programmeId: P2 }), `${role} ${p} elsewhere`).toBe(false);
        expect(can(actor([], [role]), p, {}), `${role} ${p} with no programme`).toBe(false);
      }
    }
  });

  it('lets a programme lead and analysts view and code its analysis; admins view only', () => {
    for (const role of PROGRAMME_ROLES) {
      const coder = ['lead', 'analyst'].includes(role);
      for (const p of ['analysis.view', 'analysis.code'] as const) {
        expect(can(actor([], [role]), p, { programmeId: P1 }), `${role} ${p}`).toBe(coder);
        expect(can(actor([], [role]), p, { programmeId: P2 }), `${role} ${p} elsewhere`).toBe(false);
        expect(can(actor([], [role]), p, {}), `${role} ${p} with no programme`).toBe(false);
      }
    }
    expect(can(actor(['admin']), 'analysis.view', { programmeId: P1 })).toBe(true);
    expect(can(actor(['admin']), 'analysis.code', { programmeId: P1 })).toBe(false);
    expect(can(actor(['practitioner', 'supervisor']), 'analysis.view', { programmeId: P1 })).toBe(false);
  });

  it('gives practitioners and supervisors no admin or programme powers', () => {
    for (const role of ['practitioner', 'supervisor'] as const) {
      for (const p of PERMISSIONS) {
        const allowed =
          ['public', 'signed-in', 'account.own', 'programme.list', 'framework.view'].includes(p) ||
          (role === 'practitioner' && p === 'pathway.follow') ||
          (role === 'supervisor' && ['supervision.list', 'cohort.create'].includes(p));
        expect(can(actor([role]), p, { programmeId: P1 }), `${role} ${p}`).toBe(allowed);
      }
    }
  });

  it('lets admins and the lead of any programme manage frameworks; only admins edit guides', () => {
    expect(can(actor(['admin']), 'framework.manage')).toBe(true);
    for (const role of PROGRAMME_ROLES) expect(can(actor([], [role]), 'framework.manage'), role).toBe(role === 'lead');
    expect(can(actor(['supervisor']), 'framework.manage')).toBe(false);
    expect(can(actor([], ['lead']), 'guide.edit')).toBe(false);
    expect(can(actor(['admin']), 'guide.edit')).toBe(true);
  });

  it('lets the lead, facilitators and analysts see Delphi results; only leads and facilitators run studies', () => {
    for (const role of PROGRAMME_ROLES) {
      expect(can(actor([], [role]), 'delphi.view', { programmeId: P1 }), role).toBe(
        ['lead', 'facilitator', 'analyst'].includes(role),
      );
      expect(can(actor([], [role]), 'delphi.manage', { programmeId: P1 }), role).toBe(
        ['lead', 'facilitator'].includes(role),
      );
      expect(can(actor([], [role]), 'delphi.view', { programmeId: P2 }), `${role} elsewhere`).toBe(false);
      // Sending agreed items into a framework also needs framework rights: the lead, not a facilitator alone.
      expect(can(actor([], [role]), 'delphi.to-framework', { programmeId: P1 }), role).toBe(role === 'lead');
    }
  });

  it('lets a panellist into only the study their link opened, with no account', () => {
    expect(can(ANONYMOUS, 'delphi.panellist', { studyId: 's1', panellistStudyId: 's1' })).toBe(true);
    expect(can(ANONYMOUS, 'delphi.panellist', { studyId: 's1', panellistStudyId: 's2' })).toBe(false);
    expect(can(ANONYMOUS, 'analysis.review', { programmeId: P1, reviewProgrammeId: P1 })).toBe(true);
    expect(can(ANONYMOUS, 'analysis.review', { programmeId: P1, reviewProgrammeId: 'other' })).toBe(false);
    expect(can(ANONYMOUS, 'analysis.review', { programmeId: P1 })).toBe(false);
    expect(can(ANONYMOUS, 'delphi.panellist', { studyId: 's1' })).toBe(false);
    // Panellists are anonymous to each other: an admin is not a panellist without a link.
    expect(can(actor(['admin']), 'delphi.panellist', { studyId: 's1' })).toBe(false);
  });

  it('lets a supervisor into only the practitioners who chose them, never themselves', () => {
    const sup = { ...actor(['supervisor']), userId: 's1' };
    expect(can(sup, 'pathway.supervise', { ownerId: 'p1', supervisorIds: ['s1', 's2'] })).toBe(true);
    expect(can(sup, 'pathway.supervise', { ownerId: 'p1', supervisorIds: ['s2'] })).toBe(false);
    expect(can(sup, 'pathway.supervise', { ownerId: 'p1' })).toBe(false);
    expect(can(sup, 'pathway.supervise', { ownerId: 's1', supervisorIds: ['s1'] })).toBe(false);
    expect(can(ANONYMOUS, 'pathway.supervise', { ownerId: 'p1', supervisorIds: ['s1'] })).toBe(false);
    expect(
      can({ ...actor(['admin']), userId: 'a1' }, 'pathway.supervise', { ownerId: 'p1', supervisorIds: ['s1'] }),
    ).toBe(false);
    // Chosen once, but no longer a supervisor: no access.
    expect(can({ ...actor([]), userId: 's1' }, 'pathway.supervise', { ownerId: 'p1', supervisorIds: ['s1'] })).toBe(
      false,
    );
  });

  it('shows a cohort to the person running it and the leads of its programme only', () => {
    expect(can({ ...actor(['supervisor']), userId: 'o1' }, 'cohort.view', { ownerId: 'o1' })).toBe(true);
    expect(can({ ...actor(['supervisor']), userId: 'o2' }, 'cohort.view', { ownerId: 'o1' })).toBe(false);
    expect(can(actor([], ['lead']), 'cohort.view', { ownerId: 'o1', programmeId: P1 })).toBe(true);
    expect(can(actor([], ['facilitator']), 'cohort.view', { ownerId: 'o1', programmeId: P1 })).toBe(false);
    expect(can(actor([], ['lead']), 'cohort.view', { ownerId: 'o1', programmeId: P2 })).toBe(false);
    expect(can(actor(['practitioner']), 'cohort.view', { ownerId: 'o1' })).toBe(false);
    // Someone who ran a cohort and no longer has a role that runs cohorts cannot open it.
    expect(can({ ...actor(['practitioner']), userId: 'o1' }, 'cohort.view', { ownerId: 'o1' })).toBe(false);
  });

  it('lets workshop participants act only in workshops they joined', () => {
    expect(can(ANONYMOUS, 'workshop.participant', { workshopId: 'w1', joinedWorkshopIds: ['w1', 'w2'] })).toBe(true);
    expect(can(ANONYMOUS, 'workshop.participant', { workshopId: 'w3', joinedWorkshopIds: ['w1'] })).toBe(false);
    expect(can(ANONYMOUS, 'workshop.participant', { workshopId: 'w1' })).toBe(false);
    for (const role of PROGRAMME_ROLES) {
      expect(can(actor([], [role]), 'workshop.run', { programmeId: P1 }), role).toBe(
        ['lead', 'facilitator'].includes(role),
      );
      expect(can(actor([], [role]), 'workshop.view', { programmeId: P1 }), role).toBe(
        ['lead', 'facilitator', 'analyst'].includes(role),
      );
    }
  });

  it('limits account.own to the owner', () => {
    expect(can(actor(), 'account.own', { ownerId: 'u1' })).toBe(true);
    expect(can(actor(), 'account.own', { ownerId: 'u2' })).toBe(false);
  });

  it('knows its permission names and roles', () => {
    expect(isPermission('programme.view')).toBe(true);
    expect(isPermission('toString')).toBe(false);
    expect(isPermission(undefined)).toBe(false);
    expect(PLATFORM_ROLES).toEqual(['admin', 'practitioner', 'supervisor']);
  });
});

describe('personal access token scopes', () => {
  it('lets a read scope use GET routes only', () => {
    expect(tokenAllows(['read'], 'programme.view', 'GET')).toBe(true);
    expect(tokenAllows(['read'], 'programme.manage', 'POST')).toBe(false);
    expect(tokenAllows(['read'], 'workshop.run', 'PUT')).toBe(false);
  });

  it('lets a write scope read and change', () => {
    expect(tokenAllows(['write'], 'workshop.run', 'POST')).toBe(true);
    expect(tokenAllows(['write'], 'framework.view', 'GET')).toBe(true);
  });

  it('keeps an area scope to routes whose permission is in that area', () => {
    expect(tokenAllows(['frameworks:read'], 'framework.view', 'GET')).toBe(true);
    expect(tokenAllows(['frameworks:read'], 'programme.list', 'GET')).toBe(false);
    expect(tokenAllows(['frameworks:read'], 'framework.manage', 'POST')).toBe(false);
    expect(tokenAllows(['workshops:write'], 'workshop.run', 'POST')).toBe(true);
    expect(tokenAllows(['account:read'], 'signed-in', 'GET')).toBe(true);
    expect(tokenAllows(['account:read', 'programmes:write'], 'programme.create', 'POST')).toBe(true);
  });

  it('reaches a permission outside every area only with an all-areas scope', () => {
    expect(tokenAreaOf('delphi.view')).toBeUndefined();
    expect(
      tokenAllows(['programmes:write', 'frameworks:write', 'workshops:write', 'account:write'], 'delphi.view', 'GET'),
    ).toBe(false);
    expect(tokenAllows(['read'], 'delphi.view', 'GET')).toBe(true);
  });

  it('names the scope a refused route needs, and the broader ones that would also do', () => {
    expect(scopeNeeded('framework.manage', 'POST')).toBe('the frameworks:write scope (or write)');
    expect(scopeNeeded('programme.list', 'GET')).toBe('the programmes:read scope (or programmes:write, read or write)');
    expect(scopeNeeded('delphi.view', 'GET')).toBe('the read scope (or write)');
    expect(scopeNeeded('delphi.manage', 'DELETE')).toBe('the write scope');
  });

  it('knows the scopes it can grant', () => {
    expect(['read', 'write', 'frameworks:read', 'account:write'].every(isTokenScope)).toBe(true);
    expect(['admin', 'frameworks:delete', 'delphi:read', 'read:frameworks', ''].some(isTokenScope)).toBe(false);
  });
});
