import type { ConsensusRule, Scale } from '../../stats/consensus';
import type { QuantileMethod } from '../../stats/descriptive';
import type * as repo from './repository';

/** What a study is set up with: its wording and the analytic settings fixed once round 1 opens. */
export interface StudySettings {
  title: string;
  purpose: string;
  scale: Scale;
  allowUnable: boolean;
  rule: ConsensusRule;
  quartileMethod: QuantileMethod;
  everyGroup: boolean;
  reasonDistance: number | null;
  namesInExports: boolean;
}

/** A study row's settings, typed. */
export const settingsOf = (s: repo.Study): StudySettings => ({
  title: s.title,
  purpose: s.purpose,
  scale: s.scale as Scale,
  allowUnable: s.allowUnable,
  rule: s.rule as ConsensusRule,
  quartileMethod: s.quartileMethod as QuantileMethod,
  everyGroup: s.everyGroup,
  reasonDistance: s.reasonDistance,
  namesInExports: s.namesInExports,
});
