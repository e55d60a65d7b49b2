/**
 * The pathway's Drizzle queries, one file per sub-capability; this module
 * gathers them so callers keep one import.
 */
export * from './repository-pathways';
export * from './repository-evidence';
export * from './repository-review';
export * from './repository-plan';
export * from './repository-groups';
export * from './repository-cohort';
