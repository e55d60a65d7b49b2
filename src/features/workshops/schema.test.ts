import { describe, expect, it } from 'vitest';
import { definitionProblems, workshopApiSchema, workshopFormSchema } from './schema';

describe('what defines a workshop', () => {
  it('an area workshop needs its area and pillar; expert practice its area; the others neither', () => {
    expect(definitionProblems('area', null, null)).toEqual({
      area: 'Choose the clinical area this workshop is for',
      pillar: 'Choose the pillar this workshop is about',
    });
    expect(definitionProblems('area', 'Cancer Care', null)).toEqual({
      pillar: 'Choose the pillar this workshop is about',
    });
    expect(definitionProblems('area', 'Cancer Care', 'Consultancy')).toEqual({});
    expect(definitionProblems('expert-practice', null, null)).toEqual({
      area: 'Choose the clinical area whose expert practice this workshop is about',
    });
    expect(definitionProblems('expert-practice', 'Cancer Care', null)).toEqual({});
    expect(definitionProblems('cross-area', null, null)).toEqual({});
    expect(definitionProblems('findings', null, null)).toEqual({});
  });

  it("the form reports every failing field at once, in Waymark's words", () => {
    const r = workshopFormSchema.safeParse({ kind: 'area', title: '', onlineUrl: 'http://x', pillar: 'Made up' });
    expect(r.success).toBe(false);
    const messages = Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(messages).toEqual({
      title: 'Enter a title',
      onlineUrl: 'Enter the online meeting link starting with https://',
      pillar: 'Choose a pillar from the list',
      area: 'Choose the clinical area this workshop is for',
    });
  });

  it('the API takes the same fields with booleans and an ISO date-time', () => {
    const ok = workshopApiSchema.safeParse({
      kind: 'expert-practice',
      title: 'MSK expert practice',
      area: 'Musculoskeletal',
      startsAt: '2026-12-01T10:00:00Z',
      anonymous: true,
    });
    expect(ok.success && ok.data).toMatchObject({
      area: 'Musculoskeletal',
      pillar: null,
      anonymous: true,
      facilitatorsSeeIdentity: false,
      templateId: null,
    });
    const bad = workshopApiSchema.safeParse({
      kind: 'area',
      title: 'x'.repeat(201),
      area: 'A',
      pillar: 'Consultancy',
      startsAt: 'tomorrow',
    });
    expect(bad.error!.issues.map((i) => i.message)).toEqual([
      'Title must be 200 characters or fewer',
      'Give startsAt as an ISO 8601 date-time, like 2026-12-01T10:00:00Z',
    ]);
  });
});
