import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';

/** A framework family; its content lives in versions. The id is the CASE CFDocument identifier. */
export const frameworks = pgTable('frameworks', {
  id: uuid('id').primaryKey(),
  shortName: text('short_name').notNull().unique(),
  title: text('title').notNull(),
  publisher: text('publisher').notNull().default(''),
  kind: text('kind').notNull().default('core'),
  area: text('area'),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const frameworkVersions = pgTable(
  'framework_versions',
  {
    id: id(),
    frameworkId: uuid('framework_id')
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    /** draft → published → superseded. Only a draft's content may change. */
    status: text('status').notNull().default('draft'),
    publishedAt: date('published_at', { mode: 'string' }),
    changedAt: tstz('changed_at').notNull(),
    sourceNote: text('source_note').notNull().default(''),
    licenceNote: text('licence_note').notNull().default(''),
    /** The framework's own ordered stages: [{ key, label }]. */
    stages: jsonb('stages').notNull(),
    /** What an imported CASE package carries that Waymark has no column for (CFDocument fields, definitions, associations), kept for export. */
    caseData: jsonb('case_data'),
    basedOn: uuid('based_on'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('framework_versions_label_uq').on(t.frameworkId, t.label),
    index('framework_versions_framework_idx').on(t.frameworkId),
  ],
);

const versionRef = () =>
  uuid('version_id')
    .notNull()
    .references(() => frameworkVersions.id, { onDelete: 'cascade' });

export const frameworkItems = pgTable(
  'framework_items',
  {
    id: id(),
    versionId: versionRef(),
    /** Stable across versions: the same statement keeps its identifier when reworded or moved. */
    identifier: uuid('identifier').notNull(),
    code: text('code').notNull(),
    type: text('type').notNull(),
    parentCode: text('parent_code'),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    description: text('description').notNull().default(''),
    stage: text('stage'),
    area: text('area'),
    notes: text('notes').notNull().default(''),
    /** The CASE CFItem fields Waymark has no column for (original type, URI, abbreviatedStatement, listEnumeration, dates…), kept for export. */
    caseData: jsonb('case_data'),
  },
  (t) => [
    unique('framework_items_code_uq').on(t.versionId, t.code),
    index('framework_items_position_idx').on(t.versionId, t.position),
    index('framework_items_identifier_idx').on(t.identifier),
    index('framework_items_search_idx').using(
      'gin',
      sql`to_tsvector('english', ${t.code} || ' ' || ${t.text} || ' ' || ${t.notes})`,
    ),
  ],
);

/** An item of this version mapped to an item of another framework (named by short name and code). */
export const frameworkMappings = pgTable(
  'framework_mappings',
  {
    id: id(),
    versionId: versionRef(),
    fromCode: text('from_code').notNull(),
    toFramework: text('to_framework').notNull(),
    toCode: text('to_code').notNull(),
    kind: text('kind').notNull(),
  },
  (t) => [
    index('framework_mappings_version_idx').on(t.versionId),
    index('framework_mappings_target_idx').on(t.toFramework, t.toCode),
  ],
);

/** "This statement was shaped by that Delphi item, theme, contribution or consultation response." Later features add rows. */
export const provenanceLinks = pgTable(
  'provenance_links',
  {
    id: id(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => frameworkItems.id, { onDelete: 'cascade' }),
    sourceType: text('source_type').notNull(),
    sourceId: text('source_id').notNull(),
    label: text('label').notNull(),
    detail: text('detail').notNull().default(''),
    href: text('href'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('provenance_item_idx').on(t.itemId)],
);

/** An uploaded file waiting for the person to confirm its preview. */
export const frameworkImports = pgTable('framework_imports', {
  id: id(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  format: text('format').notNull(),
  filename: text('filename').notNull(),
  content: text('content').notNull(),
  createdAt: createdAt(),
  importedVersionId: uuid('imported_version_id'),
});
