import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formWithErrors, parseForm } from './forms';

const schema = z.object({
  name: z.string().min(1, 'Enter a name'),
  age: z.coerce.number({ message: 'Enter an age' }).int('Enter a whole number'),
});

describe('parseForm', () => {
  it('returns the parsed data', () => {
    expect(parseForm(schema, { name: 'A', age: '7' })).toEqual({ ok: true, data: { name: 'A', age: 7 } });
  });
  it('keeps the first message per field, in page order, with links to the fields', () => {
    const r = parseForm(schema, { name: '', age: '1.5' }, ['name', 'age']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.form.errors).toEqual({ name: 'Enter a name', age: 'Enter a whole number' });
    expect(r.form.errorList).toEqual([
      { text: 'Enter a name', href: '#name' },
      { text: 'Enter a whole number', href: '#age' },
    ]);
  });
  it('never echoes passwords or the CSRF token back', () => {
    const f = formWithErrors({ email: 'a@b.c', password: 'secret', newPassword: 'x', _csrf: 't' }, { email: 'Bad' });
    expect(f.values).toEqual({ email: 'a@b.c' });
  });
  it('copes with a missing body', () => {
    const r = parseForm(schema, undefined);
    expect(r.ok).toBe(false);
  });
});
