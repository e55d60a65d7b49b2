import { z } from 'zod';
import { SOURCE_KINDS } from './model';

/** The longest search a person may type; PostgreSQL's full-text search reads it as web-search syntax. */
export const MAX_SEARCH = 200;

/** The longest value of an attribute filter (a workshop's activity is the longest, at 500 characters). */
const MAX_FILTER = 500;

/** A select left on "Any" sends an empty value: that is no filter. */
const blankIsNone = (v: unknown) => (v === '' ? undefined : v);

const attributeFilter = (message: string) =>
  z.preprocess(blankIsNone, z.string({ message }).max(MAX_FILTER, { message }).optional());

/**
 * The sources list's filters and search. Every filter is one of the values the programme's sources
 * have (the service checks that, naming the filter when one is not); the page is a whole number.
 */
export const sourceQuery = z.object({
  kind: z.preprocess(
    blankIsNone,
    z.enum(SOURCE_KINDS, { message: 'Choose a kind of source from the list' }).optional(),
  ),
  workshop: z.preprocess(blankIsNone, z.uuid({ message: 'Choose a workshop from the list' }).optional()),
  area: attributeFilter('Choose an area from the list'),
  pillar: attributeFilter('Choose a pillar from the list'),
  activity: attributeFilter('Choose an activity from the list'),
  stakeholderType: attributeFilter('Choose a stakeholder type from the list'),
  cluster: attributeFilter('Choose a cluster from the list'),
  q: z.preprocess(
    blankIsNone,
    z
      .string({ message: 'Enter the words to search for' })
      .max(MAX_SEARCH, { message: `Search for ${MAX_SEARCH} characters or fewer` })
      .optional(),
  ),
  page: z.preprocess(
    blankIsNone,
    z.coerce
      .number({ message: 'The page must be a whole number, 1 or more' })
      .int({ message: 'The page must be a whole number, 1 or more' })
      .min(1, { message: 'The page must be a whole number, 1 or more' })
      .max(100_000, { message: 'There are not that many pages' })
      .default(1),
  ),
});
export type SourceQuery = z.infer<typeof sourceQuery>;

/** The filters a source list can have, in the order the page shows them. */
export const SOURCE_FILTERS = ['kind', 'workshop', 'area', 'pillar', 'activity', 'stakeholderType', 'cluster'] as const;
export type SourceFilter = (typeof SOURCE_FILTERS)[number];

/** Searching within one source: the words to highlight. */
export const sourceSearchQuery = sourceQuery.pick({ q: true });
