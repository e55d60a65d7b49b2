import type { FrameworkDoc, Format } from './model';
import { toCase } from './formats/case';
import { toCsv } from './formats/csv';
import { toJson } from './formats/json';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

const FILE_EXTENSIONS: Record<Format, string> = { csv: 'csv', json: 'json', case: 'case.json' };
const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  case: 'application/json; charset=utf-8',
};

/** A version as a document and as a file: Waymark JSON, CSV or a CASE 1.1 package. */
export function createExports({ db, currentVersion, docOf }: FrameworksContext) {
  /** The real identifier and URI of each item a version maps to, from that framework's current version, for the CASE export. */
  async function mappingTargets(doc: FrameworkDoc) {
    const targets = new Map<string, { identifier: string; uri: string }>();
    for (const shortName of new Set(doc.mappings.map((m) => m.toFramework))) {
      const framework = await repo.findFrameworkByShortName(db, shortName);
      const version = framework ? await currentVersion(framework.id, true) : undefined;
      if (!version) continue;
      for (const item of await repo.itemsOf(db, version.id)) {
        const uri =
          typeof (item.caseData as { fields?: { uri?: unknown } } | null)?.fields?.uri === 'string'
            ? String((item.caseData as { fields: { uri: string } }).fields.uri)
            : `urn:uuid:${item.identifier}`;
        targets.set(`${shortName.toLowerCase()}\u0000${item.code}`, { identifier: item.identifier, uri });
      }
    }
    return (framework: string, code: string) => targets.get(`${framework.toLowerCase()}\u0000${code}`);
  }

  /** The version as a file; a CASE package names mapped items by their own identifiers, looked up here. */
  async function serialise(doc: FrameworkDoc, format: Format): Promise<string> {
    if (format === 'case') return toCase(doc, { targetOf: await mappingTargets(doc) });
    return format === 'csv' ? toCsv(doc) : toJson(doc);
  }

  return {
    /** The whole version as a document: what every export writes. */
    docOf,
    serialise,

    /** The version as a file to download, named for the framework and version (e.g. WM-CONSULTANT-1.0.case.json). */
    async exportFile(version: repo.Version, format: Format) {
      const doc = await docOf(version);
      return {
        filename: `${doc.framework.shortName}-${doc.version.label}.${FILE_EXTENSIONS[format]}`,
        contentType: CONTENT_TYPES[format],
        content: await serialise(doc, format),
      };
    },
  };
}
