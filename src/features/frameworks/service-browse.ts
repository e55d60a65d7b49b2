import type { Db } from '../../platform/db/database';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

/** Finding frameworks, their versions and items: what every page and other feature starts from. */
export function createBrowsing({ db, currentVersion }: FrameworksContext) {
  return {
    /** Every framework with the version shown by default; drafts only for those who manage frameworks. */
    async list(withDrafts: boolean) {
      const all = await repo.listFrameworks(db);
      const rows = await Promise.all(
        all.map(async (f) => ({ framework: f, version: await currentVersion(f.id, withDrafts) })),
      );
      return rows.filter((r) => r.version);
    },

    async allVersions() {
      return repo.allVersions(db);
    },

    /** Finds a version by short name and label; drafts are invisible to people who cannot manage frameworks. */
    async find(shortName: string, label: string | undefined, withDrafts: boolean) {
      const framework = await repo.findFrameworkByShortName(db, shortName);
      if (!framework) return undefined;
      const version = label
        ? await repo.findVersion(db, framework.id, label)
        : await currentVersion(framework.id, withDrafts);
      if (!version || (version.status === 'draft' && !withDrafts)) return undefined;
      return { framework, version };
    },

    async findVersionById(id: string) {
      return repo.findVersionById(db, id);
    },

    /** The framework a version belongs to. */
    frameworkOf: (version: repo.Version) => repo.findFrameworkById(db, version.frameworkId),

    /** A framework's versions, newest first: its history. */
    async versions(frameworkId: string, withDrafts: boolean) {
      return (await repo.versionsOf(db, frameworkId)).filter((v) => withDrafts || v.status !== 'draft');
    },

    findItem: (versionId: string, code: string) => repo.findItem(db, versionId, code),
    findItemByIdentifier: (versionId: string, identifier: string, on: Db = db) =>
      repo.findItemByIdentifier(on, versionId, identifier),
    itemsOf: (versionId: string) => repo.itemsOf(db, versionId),
  };
}
