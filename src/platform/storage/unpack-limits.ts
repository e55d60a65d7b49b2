import yauzl from 'yauzl';

/**
 * Limits on what an uploaded file may expand to when it is opened. A few hundred kilobytes of
 * zip (a DOCX, an XLSX, a REFI-QDA .qdpx) can hold gigabytes of XML, so every reader of an
 * unpacked format checks these before it inflates anything, and again as it goes.
 */
export interface UnpackLimits {
  /** Files in one archive. */
  maxEntries: number;
  /**
   * Bytes one file in the archive may inflate to (the XML part of a document). Mammoth holds up to 55 times
   * the XML in memory (8 MB of document.xml peaked at 700 MB), so this is kept close to what 2 million
   * characters of formatted Word text needs (2 million characters in bold 50-character runs is 4.5 MB).
   */
  maxEntryBytes: number;
  /** Bytes the whole archive may inflate to. */
  maxTotalBytes: number;
  /** Characters of text one document may give (2 million is about 300,000 words: a very long transcript). */
  maxTextChars: number;
  /** Pages of a PDF. */
  maxPages: number;
  /** Milliseconds reading one document may take (the reader is stopped when they run out, not checked afterwards). */
  maxMillis: number;
  /**
   * Memory the reader of one document (mammoth, pdf.js, in a worker thread) may use for its objects; the
   * thread is stopped when it needs more. 2 million characters of formatted Word text need about 200 MB.
   */
  maxMemoryBytes: number;
}

export const UNPACK_LIMITS: UnpackLimits = {
  maxEntries: 2_000,
  maxEntryBytes: 5 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxTextChars: 2_000_000,
  maxPages: 2_000,
  maxMillis: 20_000,
  maxMemoryBytes: 256 * 1024 * 1024,
};

/** A file refused because opening it would take more than the limits allow; the message is for the user. */
export class UnpackLimitError extends Error {
  override name = 'UnpackLimitError';
}

/** Bytes in Waymark's words ("5 MB"). */
export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Waymark's words for a document that is too big once opened. */
export function tooLargeWhenOpened(filename: string, what: string): UnpackLimitError {
  return new UnpackLimitError(
    `${filename} expands to more than ${what} when opened; split it or save it as plain text`,
  );
}

export function textLimitMessage(limits: UnpackLimits = UNPACK_LIMITS): string {
  return `${limits.maxTextChars.toLocaleString('en-GB')} characters of text`;
}

export interface ZipEntryInfo {
  name: string;
  /** Bytes it inflated to (checked, not just declared). */
  size: number;
}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // validateEntrySizes (the default) makes yauzl fail an entry that inflates to more than the central directory says.
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    ),
  );
}

function inflateEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, keep: boolean): Promise<Buffer | null> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => keep && chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(keep ? Buffer.concat(chunks) : null));
    }),
  );
}

/**
 * Opens a zip within the limits: the entry count and every declared size are checked from the
 * central directory before anything is inflated, then each entry is inflated (and stops the moment it
 * gives more than it declared), so a lying header cannot get past either. Entries `keep` accepts are
 * returned; the rest are only counted. Throws UnpackLimitError (refuse with its message) or, for a
 * damaged archive, an ordinary Error.
 */
export async function readZip(
  buffer: Buffer,
  filename: string,
  keep: (name: string) => boolean = () => false,
  limits: UnpackLimits = UNPACK_LIMITS,
): Promise<{ entries: ZipEntryInfo[]; files: Map<string, Buffer> }> {
  const zip = await openZip(buffer);
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new UnpackLimitError(
        `${filename} holds more than ${limits.maxEntries.toLocaleString('en-GB')} files; split it or save it as plain text`,
      );
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    let declared = 0;
    for (const e of entries) {
      if (e.uncompressedSize > limits.maxEntryBytes) throw tooLargeWhenOpened(filename, mb(limits.maxEntryBytes));
      declared += e.uncompressedSize;
    }
    if (declared > limits.maxTotalBytes) throw tooLargeWhenOpened(filename, mb(limits.maxTotalBytes));
    const files = new Map<string, Buffer>();
    const infos: ZipEntryInfo[] = [];
    for (const e of entries) {
      if (e.fileName.endsWith('/')) continue;
      let data: Buffer | null;
      try {
        data = await inflateEntry(zip, e, keep(e.fileName));
      } catch (err) {
        // yauzl's words for an entry that gives more than it declared: the archive lies about its size.
        if (/too many bytes/i.test((err as Error).message))
          throw tooLargeWhenOpened(filename, mb(limits.maxEntryBytes));
        throw err;
      }
      if (data) files.set(e.fileName, data);
      infos.push({ name: e.fileName, size: e.uncompressedSize });
    }
    return { entries: infos, files };
  } finally {
    zip.close();
  }
}
