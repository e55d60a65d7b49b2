import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_TEXT_LENGTH, textProblems } from './text-guard';
import { parseForm } from './forms';
import { waymarkMessage } from './messages';

describe('textProblems', () => {
  it('finds an NHS number in any free-text field, however deep', () => {
    expect(textProblems({ title: 'ok', notes: { more: ['fine', 'patient 943 476 5919'] } })).toEqual({
      notes: expect.stringContaining('looks like an NHS number (943 476 5919)'),
    });
  });
  it('never reads a submission key or another id as an NHS number (ab943476-5919-… holds 943476-5919, a valid one)', () => {
    const key = 'ab943476-5919-4abc-8def-0123456789ab';
    expect(textProblems({ note: 'see 943476-5919' }).note).toMatch(/NHS number/);
    expect(textProblems({ _submission: key, _anything: 'x 943 476 5919', parent: key, choices: [key] })).toEqual({});
  });
  it('leaves identifiers, keys, emails and secrets alone', () => {
    expect(
      textProblems({
        versionId: '9434765919',
        submissionKey: '9434765919',
        email: '9434765919@x.nhs.uk',
        password: '9434765919',
      }),
    ).toEqual({});
  });
  it('bounds every string, at the default and at a chosen limit', () => {
    expect(textProblems({ a: 'x'.repeat(MAX_TEXT_LENGTH) })).toEqual({});
    expect(textProblems({ a: 'x'.repeat(MAX_TEXT_LENGTH + 1) }).a).toBe(
      'This must be 20,000 characters or fewer (it has 20,001)',
    );
    expect(textProblems({ a: 'abcd' }, { maxLength: 3 }).a).toBe('This must be 3 characters or fewer (it has 4)');
  });
  it('can allow a named field to hold a number', () => {
    expect(textProblems({ code: '943 476 5919' }, { allowNhsNumbers: ['code'] })).toEqual({});
  });
  it('reports every failing field, not just the first', () => {
    expect(Object.keys(textProblems({ a: '9434765919', b: 'fine', c: 'y'.repeat(MAX_TEXT_LENGTH + 5) }))).toEqual([
      'a',
      'c',
    ]);
  });
});

describe('parseForm with the text guard', () => {
  const schema = z.object({ name: z.string().min(1, 'Enter a name'), note: z.string() });
  it('refuses an NHS number in a field the schema accepted, keeping what was typed', () => {
    const r = parseForm(schema, { name: 'A', note: 'see 9434765919' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.form.errors.note).toMatch(/NHS number/);
    expect(r.form.values.note).toBe('see 9434765919');
  });
  it('reports schema errors and guard errors together', () => {
    const r = parseForm(schema, { name: '', note: '9434765919' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.form.errors).sort()).toEqual(['name', 'note']);
  });
});

describe('waymarkMessage', () => {
  const msg = (schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    return r.success ? null : r.error.issues[0]!.message;
  };
  it('uses our words, never the library’s', () => {
    expect(msg(z.string().max(200), 'x'.repeat(201))).toBe('This must be 200 characters or fewer');
    expect(msg(z.string().min(1), '')).toBe('Enter or choose a value here');
    expect(msg(z.string().min(12), 'short')).toBe('Enter at least 12 characters');
    expect(msg(z.string(), undefined)).toBe('Enter or choose a value here');
    expect(msg(z.coerce.number().int(), 'abc')).toBe('Enter a number, like 5');
    expect(msg(z.number().max(9), 10)).toBe('Enter a number that is 9 or less');
    expect(msg(z.email(), 'nope')).toBe('Enter an email address in the correct format, like name@example.nhs.uk');
    expect(msg(z.uuid(), 'nope')).toBe('Choose from the options shown');
    expect(msg(z.enum(['a', 'b']), 'c')).toBe('Choose one of the options shown');
    expect(msg(z.array(z.string()).max(2), ['a', 'b', 'c'])).toBe('Choose no more than 2');
  });
  it('never overrides a message a schema gives', () => {
    expect(msg(z.string().max(2, 'Keep it short'), 'abc')).toBe('Keep it short');
  });
  it('has a sentence for every issue code', () => {
    expect(waymarkMessage({ code: 'custom', input: 1, path: [], message: '' } as never)).toBe(
      'Check what you entered and try again',
    );
  });
});

describe('fields that carry a whole file', () => {
  it('are held to their own size and left to the file reader', () => {
    const file = `code,text\n1,${'x'.repeat(MAX_TEXT_LENGTH)} 943 476 5919\n`;
    expect(textProblems({ content: file, note: 'ok' }, { files: { content: 100_000 } })).toEqual({});
    expect(textProblems({ content: 'x'.repeat(11) }, { files: { content: 10 } }).content).toBe(
      'This must be 10 characters or fewer (it has 11)',
    );
  });
});

describe('objects that point back at each other', () => {
  it('are walked once each (without that, four links back make 4^20 visits and the walk never ends)', () => {
    const body: Record<string, unknown> = { note: 'fine' };
    const part: Record<string, unknown> = { value: 'see 943 476 5919' };
    Object.assign(part, { a: body, b: body, c: part, d: part });
    Object.assign(body, { file: part, again: part });
    expect(textProblems(body)).toEqual({ file: expect.stringContaining('NHS number') });
  });
});
