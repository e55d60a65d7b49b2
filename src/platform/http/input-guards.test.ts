import { describe, expect, it } from 'vitest';
import { badIdFields, flattenMultipart, isIdName, pathParams, stripControls } from './input-guards';

describe('input guards', () => {
  it('finds the id parameters of a route path; tokens, codes and short names are not ids', () => {
    expect(pathParams('/programmes/:programmeId/delphi/:studyId/items/:itemId').filter(isIdName)).toEqual([
      'programmeId',
      'studyId',
      'itemId',
    ]);
    expect(pathParams('/frameworks/:shortName/versions/:label/statements/:code').filter(isIdName)).toEqual([]);
    expect(pathParams('/badges/:id').filter(isIdName)).toEqual(['id']);
    expect(['token', 'slug', 'role', 'choice', 'number', 'format', 'stage'].filter(isIdName)).toEqual([]);
  });

  it('strips NUL and other stray controls from strings and keys, however deep, keeping tab, CR and LF', () => {
    const body = { name: 'A\u0000B\u0007', 'k\u0000ey': 'v', list: ['x\u001f', { deep: 'line\r\nnext\tcol\u0000' }] };
    expect(stripControls(body)).toEqual({ name: 'AB', key: 'v', list: ['x', { deep: 'line\r\nnext\tcol' }] });
    expect(stripControls('a\u0000')).toBe('a');
  });

  it('walks a very deep JSON body without running out of stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000x"${']'.repeat(100_000)}`) as unknown;
    stripControls(deep);
    let node = deep;
    while (Array.isArray(node)) node = node[0];
    expect(node).toBe('x');
  });

  it("turns multipart fields into plain strings and hides the parts' link back to the whole body", () => {
    const body: Record<string, unknown> = {};
    const field = { type: 'field', fieldname: 'title', value: 'T', fields: body };
    const file = { type: 'file', fieldname: 'file', filename: 'a.csv', fields: body };
    Object.assign(body, {
      title: field,
      tags: [
        { ...field, value: 'a' },
        { ...field, value: 'b' },
      ],
      file,
    });
    flattenMultipart(body);
    expect(body.title).toBe('T');
    expect(body.tags).toEqual(['a', 'b']);
    expect(Object.keys(body.file as object)).not.toContain('fields');
    expect((body.file as { fields: unknown }).fields).toBe(body);
  });

  it('names body fields called as ids whose values are not UUIDs (an empty choice is allowed)', () => {
    const uuid = '6f1c2a8e-1b7d-4c3e-9a2f-0d4b5c6e7f80';
    expect(badIdFields({ versionId: uuid, areaId: '', itemIds: [uuid], name: 'x' })).toEqual([]);
    expect(badIdFields({ versionId: 'nope', itemIds: [uuid, '1'], id: "1' or 1=1", entity: 'x' })).toEqual([
      'versionId',
      'itemIds',
      'id',
    ]);
    expect(badIdFields('a string')).toEqual([]);
  });
});
