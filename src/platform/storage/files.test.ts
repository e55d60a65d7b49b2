import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALLOWED_TYPES, FileProblem, createFileStore } from './files';
import { samples } from '../../../test/helpers/file-samples';

describe('createFileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'waymark-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves, reads back the same bytes and reports a correct sha256', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 * 1024 });
    const saved = await store.save(samples.pdf, 'Report.pdf');
    expect(saved).toEqual({
      key: expect.stringMatching(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/),
      filename: 'Report.pdf',
      contentType: 'application/pdf',
      size: samples.pdf.length,
      sha256: createHash('sha256').update(samples.pdf).digest('hex'),
    });
    const back = await store.read(saved.key);
    expect(back.equals(samples.pdf)).toBe(true);
  });

  it('round-trips every accepted kind with the content type from its bytes', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 * 1024 });
    const names = {
      pdf: 'a.pdf',
      docx: 'a.docx',
      xlsx: 'a.xlsx',
      pptx: 'a.pptx',
      png: 'a.png',
      jpeg: 'a.jpg',
      txt: 'a.txt',
      csv: 'a.csv',
    };
    for (const [kind, buffer] of Object.entries(samples) as [keyof typeof samples, Buffer][]) {
      const saved = await store.save(buffer, names[kind]);
      expect(saved.contentType).toBe(ALLOWED_TYPES[kind].contentType);
      expect((await store.read(saved.key)).equals(buffer)).toBe(true);
    }
  });

  it('stores files in two-level folders from the key, private to the owner, with no temp files left', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const { key } = await store.save(samples.csv, 'x.csv');
    const [a, b, id] = key.split('/') as [string, string, string];
    expect(a + b).toBe(id.slice(0, 4));
    expect(store.path(key)).toBe(path.join(dir, a, b, id));
    expect(await readdir(path.join(dir, a, b))).toEqual([id]);
    if (process.platform !== 'win32') {
      expect((await stat(store.path(key))).mode & 0o777).toBe(0o600);
    }
  });

  it('gives every file its own key', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const keys = await Promise.all(
      Array.from({ length: 20 }, () => store.save(samples.txt, 'a.txt').then((s) => s.key)),
    );
    expect(new Set(keys).size).toBe(20);
  });

  it('keeps a safe file name', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const saved = await store.save(samples.png, '..\\..\\pho\u0000to.png');
    expect(saved.filename).toBe('photo.png');
  });

  it('refuses a file over the limit, in words a person can act on, before looking at its type', async () => {
    const store = createFileStore(dir, { maxBytes: 10 * 1024 * 1024 });
    const big = Buffer.alloc(Math.round(12.4 * 1024 * 1024), 0x41); // not an accepted type either
    await expect(store.save(big, 'x.exe')).rejects.toThrow(
      new FileProblem('The file is 12.4 MB. Files must be 10 MB or smaller'),
    );
    await expect(store.save(big, 'x.exe')).rejects.toBeInstanceOf(FileProblem);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not say a file just over the limit is the same size as the limit', async () => {
    const store = createFileStore(dir, { maxBytes: 10 * 1024 * 1024 });
    await expect(store.save(Buffer.alloc(10 * 1024 * 1024 + 1), 'a.txt')).rejects.toThrow(
      'The file is just over 10 MB. Files must be 10 MB or smaller',
    );
  });

  it('accepts a file of exactly the limit and describes small limits sensibly', async () => {
    const store = createFileStore(dir, { maxBytes: samples.csv.length });
    await expect(store.save(samples.csv, 'a.csv')).resolves.toMatchObject({ size: samples.csv.length });
    const tiny = createFileStore(dir, { maxBytes: 10 });
    await expect(tiny.save(samples.csv, 'a.csv')).rejects.toThrow(
      `The file is ${samples.csv.length} bytes. Files must be 10 bytes or smaller`,
    );
  });

  it('refuses a file of the wrong type and writes nothing', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    await expect(store.save(Buffer.from('<html></html>'), 'notes.txt')).rejects.toBeInstanceOf(FileProblem);
    await expect(store.save(Buffer.alloc(0), 'empty.pdf')).rejects.toThrow('“empty.pdf” is empty');
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes a file, after which reading it fails; removing again is fine', async () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const { key } = await store.save(samples.txt, 'a.txt');
    await store.remove(key);
    await expect(store.read(key)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.remove(key)).resolves.toBeUndefined();
    await expect(store.remove('00/00/0000aaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).resolves.toBeUndefined();
  });

  it.each([
    '../x',
    '/etc/passwd',
    'ab/cd/../../x',
    '../../../../etc/passwd',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc/../../../../x',
    'ab\\cd\\abcd1234-1234-4123-8123-123456789abc',
    '/ab/cd/abcd1234-1234-4123-8123-123456789abc',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc/',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc\n',
    'AB/CD/ABCD1234-1234-4123-8123-123456789ABC',
    'ff/ff/abcd1234-1234-4123-8123-123456789abc',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc.tmp',
    'ab/cd/abcd1234-1234-4123-8123-123456789abc\u0000',
    '',
  ])('refuses the key %j before touching the filesystem', async (key) => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    expect(() => store.path(key)).toThrow('Not a valid file key');
    await expect(store.read(key)).rejects.toThrow('Not a valid file key');
    await expect(store.remove(key)).rejects.toThrow('Not a valid file key');
  });

  it('refuses a key that is not a string', () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    expect(() => store.path(undefined as unknown as string)).toThrow('Not a valid file key');
  });

  it('accepts a well-formed key it did not create (it is just a path)', () => {
    const store = createFileStore(dir, { maxBytes: 1024 });
    const key = 'ab/cd/abcd1234-1234-4123-8123-123456789abc';
    expect(store.path(key)).toBe(path.join(dir, 'ab', 'cd', 'abcd1234-1234-4123-8123-123456789abc'));
  });

  it('refuses a nonsensical size limit', () => {
    expect(() => createFileStore(dir, { maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => createFileStore(dir, { maxBytes: Number.NaN })).toThrow(/maxBytes/);
    expect(() => createFileStore(dir, { maxBytes: 1.5 })).toThrow(/maxBytes/);
  });

  it('works with a relative directory', async () => {
    const relative = path.relative(process.cwd(), dir);
    const store = createFileStore(relative, { maxBytes: 1024 });
    const { key } = await store.save(samples.txt, 'a.txt');
    expect(path.isAbsolute(store.path(key))).toBe(true);
    expect(store.path(key).startsWith(dir + path.sep)).toBe(true);
  });
});
