import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Attachments stored under DATA_DIR.
 *
 * The browser's declared content type is never trusted: the kind of a file is
 * decided from its bytes, and the file name's extension must then agree with
 * it. Anything that could be rendered as markup (HTML, SVG, XML) is refused,
 * even when named .txt or .csv.
 */

export const ALLOWED_TYPES = {
  pdf: { contentType: 'application/pdf', extensions: ['.pdf'], label: 'PDF' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
    label: 'Word document',
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['.xlsx'],
    label: 'Excel spreadsheet',
  },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['.pptx'],
    label: 'PowerPoint presentation',
  },
  png: { contentType: 'image/png', extensions: ['.png'], label: 'PNG image' },
  jpeg: { contentType: 'image/jpeg', extensions: ['.jpg', '.jpeg'], label: 'JPEG image' },
  txt: { contentType: 'text/plain; charset=utf-8', extensions: ['.txt'], label: 'text file' },
  csv: { contentType: 'text/csv; charset=utf-8', extensions: ['.csv'], label: 'CSV file' },
} as const satisfies Record<string, { contentType: string; extensions: readonly string[]; label: string }>;

export type FileKind = keyof typeof ALLOWED_TYPES;

/** "a PNG image", "an Excel spreadsheet": for messages. */
const WITH_ARTICLE: Record<FileKind, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  xlsx: 'an Excel spreadsheet',
  pptx: 'a PowerPoint presentation',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  txt: 'a text file',
  csv: 'a CSV file',
};

const ACCEPTED_LIST = 'Attach PDF, Word, Excel, PowerPoint, PNG, JPEG, text or CSV files';

/** A problem with an uploaded file, worded for the person who uploaded it. */
export class FileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileProblem';
  }
}

// ---------------------------------------------------------------------------
// Content detection

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Entry-name prefixes that mark an Office Open XML package. Entry names are
 * stored uncompressed in both the local headers and the central directory, so
 * a plain byte search finds them whatever compression the entries use.
 */
const OFFICE_MARKERS: ReadonlyArray<readonly [FileKind, Buffer]> = [
  ['docx', Buffer.from('word/', 'latin1')],
  ['xlsx', Buffer.from('xl/', 'latin1')],
  ['pptx', Buffer.from('ppt/', 'latin1')],
];

type Content =
  | { kind: 'known'; kinds: FileKind[] } // candidates, best first
  | { kind: 'text' }
  | { kind: 'markup' }
  | { kind: 'unknown'; description?: string };

function startsWith(buffer: Buffer, magic: Buffer): boolean {
  return buffer.length >= magic.length && buffer.subarray(0, magic.length).equals(magic);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function sniff(buffer: Buffer): Content {
  if (startsWith(buffer, PDF_MAGIC)) return { kind: 'known', kinds: ['pdf'] };
  if (startsWith(buffer, PNG_MAGIC)) return { kind: 'known', kinds: ['png'] };
  if (startsWith(buffer, JPEG_MAGIC)) return { kind: 'known', kinds: ['jpeg'] };
  if (startsWith(buffer, ZIP_MAGIC)) {
    // A document can embed another (a spreadsheet inside a Word file), so
    // more than one marker may be present; the extension settles it below.
    const found = OFFICE_MARKERS.map(([kind, marker]) => ({ kind, at: buffer.indexOf(marker) }))
      .filter((m) => m.at >= 0)
      .sort((a, b) => a.at - b.at)
      .map((m) => m.kind);
    if (found.length > 0) return { kind: 'known', kinds: found };
    return { kind: 'unknown', description: 'a ZIP archive' };
  }
  if (buffer.includes(0)) return { kind: 'unknown' };
  let text: string;
  try {
    text = utf8.decode(buffer); // also strips a leading byte-order mark
  } catch {
    return { kind: 'unknown' };
  }
  if (text.trimStart().startsWith('<')) return { kind: 'markup' };
  return { kind: 'text' };
}

/** The lower-cased extension including its dot ("" when there is none). */
function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot).toLowerCase() : '';
}

function kindForExtension(ext: string): FileKind | undefined {
  if (!ext) return undefined;
  return (Object.keys(ALLOWED_TYPES) as FileKind[]).find((k) =>
    (ALLOWED_TYPES[k].extensions as readonly string[]).includes(ext),
  );
}

function hasExtensionOf(kind: FileKind, ext: string): boolean {
  return (ALLOWED_TYPES[kind].extensions as readonly string[]).includes(ext);
}

/**
 * Decide what a file is from its bytes, then require its name's extension to
 * be one of that kind's. Throws a FileProblem saying what to do otherwise.
 */
export function detectType(buffer: Buffer, filename: string): FileKind {
  const name = safeFilename(filename);
  const quoted = `“${name}”`;
  if (buffer.length === 0) throw new FileProblem(`${quoted} is empty`);

  const ext = extensionOf(name);
  const claimed = kindForExtension(ext);
  const notAccepted = () => new FileProblem(`${quoted} is not a type we accept. ${ACCEPTED_LIST}`);
  const content = sniff(buffer);

  switch (content.kind) {
    case 'known': {
      const match = content.kinds.find((k) => hasExtensionOf(k, ext));
      if (match) return match;
      const actual = content.kinds[0] as FileKind;
      const rename = `Rename it to end in ${ALLOWED_TYPES[actual].extensions[0]} and try again`;
      if (claimed) {
        throw new FileProblem(
          `${quoted} is not really ${WITH_ARTICLE[claimed]}: its contents are ${WITH_ARTICLE[actual]}. ${rename}`,
        );
      }
      throw new FileProblem(`${quoted} contains ${WITH_ARTICLE[actual]} but its name does not say so. ${rename}`);
    }
    case 'text': {
      if (claimed === 'txt' || claimed === 'csv') return claimed;
      if (claimed)
        throw new FileProblem(`${quoted} is not really ${WITH_ARTICLE[claimed]}: its contents are plain text`);
      throw notAccepted();
    }
    case 'markup': {
      if (!claimed) throw notAccepted();
      throw new FileProblem(`${quoted} looks like a web page, which we do not accept`);
    }
    case 'unknown': {
      if (!claimed) throw notAccepted();
      if (claimed === 'txt' || claimed === 'csv') {
        throw new FileProblem(
          `${quoted} is not plain text: it contains characters we cannot read. Save it as UTF-8 text and try again`,
        );
      }
      const what = content.description
        ? `its contents are ${content.description}`
        : 'we could not recognise its contents';
      throw new FileProblem(`${quoted} is not really ${WITH_ARTICLE[claimed]}: ${what}`);
    }
  }
}

// ---------------------------------------------------------------------------
// File names

const MAX_NAME_LENGTH = 120;
const MAX_EXTENSION_LENGTH = 16;
// C0/C1 controls, plus invisible and bidirectional formatting characters that
// can disguise an extension ("photo\u202Egnp.exe" displays as "photoexe.png").
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * A file name fit to keep and show: the base name only, without control
 * characters, at most 120 characters with its extension kept; "attachment"
 * when nothing usable is left.
 */
export function safeFilename(name: string): string {
  let base = String(name ?? '').normalize('NFC');
  base = base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1);
  base = base.replace(UNSAFE_CHARS, '').trim();
  // Trailing dots and spaces are dropped by Windows and hide the real extension.
  base = base.replace(/[.\s]+$/u, '');
  if (base === '' || /^[.\s]*$/u.test(base)) return 'attachment';

  const chars = Array.from(base); // by code point, never splitting a surrogate pair
  if (chars.length <= MAX_NAME_LENGTH) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot) : '';
  const extChars = Array.from(ext);
  if (ext && extChars.length <= MAX_EXTENSION_LENGTH) {
    const stem = Array.from(base.slice(0, dot))
      .slice(0, MAX_NAME_LENGTH - extChars.length)
      .join('')
      .trimEnd();
    return stem + ext;
  }
  return chars.slice(0, MAX_NAME_LENGTH).join('').trimEnd();
}

// ---------------------------------------------------------------------------
// Storage

const MB = 1024 * 1024;

function formatSize(bytes: number, exact: boolean): string {
  if (bytes >= MB) {
    const mb = bytes / MB;
    return `${exact && Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  }
  if (bytes >= 1024) {
    const kb = bytes / 1024;
    return `${exact && Number.isInteger(kb) ? kb : kb.toFixed(1)} KB`;
  }
  return `${bytes} bytes`;
}

/** ab/cd/<uuid v4>, where ab and cd are the first four hex digits of the uuid. */
const KEY_PATTERN =
  /^([0-9a-f]{2})\/([0-9a-f]{2})\/(\1\2[0-9a-f]{4}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/;

export interface StoredFile {
  /** Where the file lives in the store; the only handle to read or remove it. */
  key: string;
  /** The uploader's file name, made safe (see safeFilename). */
  filename: string;
  /** From the file's contents, never from the browser. */
  contentType: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

export interface FileStore {
  save(buffer: Buffer, filename: string): Promise<StoredFile>;
  read(key: string): Promise<Buffer>;
  /** Does nothing if the file is already gone. */
  remove(key: string): Promise<void>;
  /** The absolute path for a key; throws for a key that is not well formed. */
  path(key: string): string;
}

export function createFileStore(dir: string, opts: { maxBytes: number }): FileStore {
  const root = path.resolve(dir);
  const { maxBytes } = opts;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new Error(`maxBytes must be a positive whole number of bytes, not ${String(maxBytes)}`);
  }

  function pathFor(key: string): string {
    const m = typeof key === 'string' ? KEY_PATTERN.exec(key) : null;
    if (!m) throw new Error('Not a valid file key');
    const full = path.join(root, m[1] as string, m[2] as string, m[3] as string);
    // The pattern already rules out escaping; this is a second lock on the door.
    if (!full.startsWith(root + path.sep)) throw new Error('Not a valid file key');
    return full;
  }

  async function save(buffer: Buffer, filename: string): Promise<StoredFile> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('save() needs a Buffer');
    if (buffer.length > maxBytes) {
      let size = formatSize(buffer.length, false);
      const limit = formatSize(maxBytes, true);
      if (size === limit || size === formatSize(maxBytes, false)) size = `just over ${limit}`;
      throw new FileProblem(`The file is ${size}. Files must be ${limit} or smaller`);
    }
    const name = safeFilename(filename);
    const kind = detectType(buffer, name);
    const sha256 = createHash('sha256').update(buffer).digest('hex');

    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
    const target = pathFor(key);
    const folder = path.dirname(target);
    await mkdir(folder, { recursive: true, mode: 0o700 });

    const temp = path.join(folder, `.${id}.${randomUUID()}.tmp`);
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(buffer);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }

    return { key, filename: name, contentType: ALLOWED_TYPES[kind].contentType, size: buffer.length, sha256 };
  }

  return {
    save,
    read: async (key) => readFile(pathFor(key)),
    remove: async (key) => {
      await rm(pathFor(key), { force: true });
    },
    path: pathFor,
  };
}
