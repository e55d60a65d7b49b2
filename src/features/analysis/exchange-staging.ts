import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Uploaded REFI-QDA files kept between the preview and its confirmation, on disk under DATA_DIR (the system's
 * temporary folder when the database is in memory): `<id>.bin` with `<id>.json` saying who uploaded it, into
 * which programme, and its format and name. A file is found only by the same person for the same programme;
 * files over a day old are removed whenever another is kept.
 */

export type ExchangeFormat = 'qdc' | 'qdpx';

export interface StagedFile {
  id: string;
  format: ExchangeFormat;
  filename: string;
  data: Buffer;
}

const DAY = 24 * 60 * 60 * 1000;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createStaging(dataDir: string) {
  const dir = dataDir.startsWith('memory:')
    ? path.join(os.tmpdir(), 'waymark-analysis-exchange')
    : path.join(dataDir, 'analysis-exchange');

  async function sweep() {
    const names = await readdir(dir).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      const full = path.join(dir, name);
      const info = await stat(full).catch(() => null);
      if (info && now - info.mtimeMs > DAY) await rm(full, { force: true });
    }
  }

  return {
    async keep(programmeId: string, userId: string, format: ExchangeFormat, filename: string, data: Buffer) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await sweep();
      const id = randomUUID();
      await writeFile(path.join(dir, `${id}.bin`), data, { mode: 0o600 });
      const meta = JSON.stringify({ programmeId, userId, format, filename });
      await writeFile(path.join(dir, `${id}.json`), meta, { mode: 0o600 });
      return id;
    },

    async find(id: string, programmeId: string, userId: string): Promise<StagedFile | undefined> {
      if (!ID.test(id)) return undefined;
      try {
        const meta = JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as {
          programmeId: string;
          userId: string;
          format: ExchangeFormat;
          filename: string;
        };
        if (meta.programmeId !== programmeId || meta.userId !== userId) return undefined;
        const data = await readFile(path.join(dir, `${id}.bin`));
        return { id, format: meta.format, filename: meta.filename, data };
      } catch {
        return undefined;
      }
    },
  };
}
