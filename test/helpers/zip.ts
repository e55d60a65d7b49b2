import { crc32 } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** The bytes as stored in the archive: plain for `stored`, raw deflate data for `deflate`. */
  data: Buffer;
  method?: 'stored' | 'deflate';
  /** The uncompressed size the archive claims (stored: the data's length unless a test wants it to lie). */
  declared?: number;
}

/**
 * A ZIP archive written byte by byte. Written by hand rather than with a library on purpose: tests need archives
 * that say anything about themselves (sizes that lie, deflate data built in pieces), which a writer refuses to make.
 * Stored entries carry their real CRC; deflated ones carry 0 (readers check sizes before the CRC).
 */
export function handMadeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const deflate = e.method === 'deflate';
    const crc = deflate ? 0 : crc32(e.data);
    const declared = e.declared ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    if (deflate) local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    if (deflate) central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A stored ZIP of text entries (name → contents). */
export function textZip(entries: Record<string, string>): Buffer {
  return handMadeZip(Object.entries(entries).map(([name, text]) => ({ name, data: Buffer.from(text, 'utf8') })));
}
