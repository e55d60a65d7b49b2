import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { ukDate, ukDateTime } from '../forms/dates';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Folder holding `nhsuk/…` inside the nhsuk-frontend package. */
export const nhsukDist = path.join(path.dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
export const platformViews = here;
export const featuresDir = path.resolve(here, '../../features');

/** The one Nunjucks environment: autoescape on, templates from the platform, each feature and nhsuk-frontend. */
export function createViewEnvironment(opts: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([platformViews, featuresDir, nhsukDist], {
      watch: opts.watch ?? false,
      noCache: false,
    }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('dateTime', ukDateTime);
  env.addFilter('date', ukDate);
  env.addFilter('isoDate', (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : ''));
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  env.addFilter('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  return env;
}
