import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_CONTEXT } from '../../platform/audit/audit';
import type { FrameworksService } from '../frameworks/service';

const CONTENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../content/frameworks');

/** Imports the illustrative frameworks that ship in content/frameworks, skipping any already there. */
export async function loadShippedFrameworks(frameworks: FrameworksService, ctx = SYSTEM_CONTEXT): Promise<number> {
  let n = 0;
  // The core framework first, so area frameworks' mappings point at something that exists.
  const files = fs
    .readdirSync(CONTENT_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => Number(b === 'consultant.json') - Number(a === 'consultant.json') || a.localeCompare(b));
  for (const file of files) {
    const preview = await frameworks.preview('json', fs.readFileSync(path.join(CONTENT_DIR, file), 'utf8'));
    if (!preview.ok) continue;
    await frameworks.importDoc(preview.doc, null, ctx);
    n++;
  }
  return n;
}
