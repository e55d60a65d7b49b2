import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { parseResponsesCsv } from '../features/delphi/responses-csv';
import { analyseRound } from '../stats/delphi';
import { GRADE_9, LIKERT_5, parseRule } from '../stats/consensus';
import { refuse } from './command-error';

/** `waymark delphi analyse`: a Delphi round's figures from a responses CSV, as JSON; no database. */
export function delphiCommand(args: string[]) {
  const [sub, ...rest] = args;
  if (sub !== 'analyse')
    refuse(
      'Usage: waymark delphi analyse RESPONSES.csv [--rule …] [--scale 1-9|1-5] [--by-group] [--every-group] [--previous PREVIOUS.csv] [--quartiles 7|6]',
    );
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        rule: { type: 'string' },
        scale: { type: 'string' },
        'by-group': { type: 'boolean' },
        'every-group': { type: 'boolean' },
        previous: { type: 'string' },
        quartiles: { type: 'string' },
      },
    });
  } catch (err) {
    refuse((err as Error).message);
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file) refuse('Give the responses file: waymark delphi analyse RESPONSES.csv');
  const scale =
    values.scale === undefined || values.scale === '1-9'
      ? GRADE_9
      : values.scale === '1-5'
        ? LIKERT_5
        : refuse(`--scale must be 1-9 or 1-5, not "${values.scale}"`);
  const quartiles =
    values.quartiles === undefined || values.quartiles === '7'
      ? 7
      : values.quartiles === '6'
        ? 6
        : refuse(`--quartiles must be 7 or 6, not "${values.quartiles}"`);
  let rule;
  try {
    rule = parseRule(values.rule ?? 'comet');
  } catch (err) {
    refuse(`--rule: ${(err as Error).message}`);
  }
  if (rule.kind === 'rand-ucla' && scale !== GRADE_9) refuse('--rule rand-ucla needs the 1-9 scale');
  const read = (path: string) => {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (err) {
      refuse(`Could not read ${path}: ${(err as Error).message}`);
    }
    const r = parseResponsesCsv(text, scale);
    if (!r.ok)
      refuse(
        `${path} has ${r.problems.length} problem(s); nothing was analysed:\n${r.problems.map((p) => `  ${p.where}: ${p.message}`).join('\n')}`,
      );
    return r.ratings;
  };
  const current = read(file);
  const previous = values.previous ? read(values.previous) : undefined;
  const result = analyseRound(
    current,
    { rule, scale, quartiles, byGroup: values['by-group'], everyGroup: values['every-group'] },
    previous,
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
