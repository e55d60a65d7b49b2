import { emptyForm, type FormState } from '../../platform/forms/forms';
import { GRADE_9, LIKERT_5, parseRule, type ConsensusRule, type Scale } from '../../stats/consensus';
import type { SettingsFormInput } from './schema';
import type { StudySettings } from './service';
import type { Study } from './repository';

/**
 * The study settings form both ways: what the form sends, as the settings the
 * service keeps, and a study's settings (or a new study's defaults) as the form.
 */
export function toSettings(v: SettingsFormInput): StudySettings & { withSuggestions: boolean } {
  const base = v.scale === '1-9' ? GRADE_9 : LIKERT_5;
  const scale: Scale = {
    ...base,
    labels: {
      low: v.lowLabel || base.labels!.low,
      mid: v.midLabel || base.labels!.mid,
      high: v.highLabel || base.labels!.high,
    },
  };
  const rule: ConsensusRule =
    v.rule === 'comet'
      ? { kind: 'comet', inPercent: v.cometIn, otherPercent: v.cometOther }
      : v.rule === 'percent'
        ? { kind: 'percent', threshold: v.percentThreshold }
        : v.rule === 'median-iqr'
          ? { kind: 'median-iqr', inMedian: v.medianIn, outMedian: v.medianOut, maxIqr: v.maxIqr }
          : parseRule('rand-ucla');
  return {
    title: v.title,
    purpose: v.purpose,
    scale,
    allowUnable: v.allowUnable === 'yes',
    rule,
    quartileMethod: v.quartileMethod === '6' ? 6 : 7,
    everyGroup: v.everyGroup === 'yes',
    reasonDistance: v.reasonDistance,
    namesInExports: v.namesInExports === 'yes',
    withSuggestions: v.withSuggestions === 'yes',
  };
}

export function settingsForm(s: Study | undefined): FormState {
  if (!s)
    return emptyForm({
      scale: '1-9',
      rule: 'comet',
      cometIn: 70,
      cometOther: 15,
      percentThreshold: 75,
      medianIn: 7,
      medianOut: 3,
      maxIqr: 1,
      quartileMethod: '7',
      allowUnable: 'yes',
      everyGroup: 'no',
      namesInExports: 'no',
      withSuggestions: 'no',
    });
  const scale = s.scale as Scale;
  const rule = s.rule as ConsensusRule;
  return emptyForm({
    title: s.title,
    purpose: s.purpose,
    scale: `${scale.min}-${scale.max}`,
    lowLabel: scale.labels?.low,
    midLabel: scale.labels?.mid,
    highLabel: scale.labels?.high,
    allowUnable: s.allowUnable ? 'yes' : 'no',
    rule: rule.kind,
    cometIn: rule.kind === 'comet' ? rule.inPercent : 70,
    cometOther: rule.kind === 'comet' ? rule.otherPercent : 15,
    percentThreshold: rule.kind === 'percent' ? rule.threshold : 75,
    medianIn: rule.kind === 'median-iqr' ? rule.inMedian : 7,
    medianOut: rule.kind === 'median-iqr' ? rule.outMedian : 3,
    maxIqr: rule.kind === 'median-iqr' ? rule.maxIqr : 1,
    quartileMethod: String(s.quartileMethod),
    everyGroup: s.everyGroup ? 'yes' : 'no',
    reasonDistance: s.reasonDistance ?? '',
    namesInExports: s.namesInExports ? 'yes' : 'no',
  });
}
