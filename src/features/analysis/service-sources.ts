import type { AnalysisContext } from './service-context';

/** Sources: what the analyst codes, brought in from the workshops and Delphi. */
export function createSources(_ctx: AnalysisContext) {
  return {};
}
