/**
 * The residual gate's detection bench (tests/bench/parts/detection.ts): detection rate and delay per
 * anomaly kind and size, and false alarms per week, for a few gate configurations, as ONE markdown
 * table on stdout (progress on stderr), followed by the configuration the README's rule selects.
 *
 *   bun tests/bench/gate.ts [--instances 20] [--seed 20]
 *
 * Seeded and deterministic: the same arguments print the same table on any machine. `make bench`
 * runs it after the performance figures; README "Residual gate: measured detection" holds its output.
 */
import { parseArgs } from 'node:util'
import {
  anomalySchedule,
  type CandidateResult,
  candidateSettings,
  cellKey,
  chooseDefault,
  type GateCandidate,
  KINDS,
  MODEL,
  type MonthScore,
  qualifies,
  RULE,
  SIZES,
  scoreMonth,
  summarize,
  syntheticMonth,
} from './parts/detection.ts'

const { values } = parseArgs({ options: { instances: { type: 'string', default: '20' }, seed: { type: 'string', default: '20' } } })
const instances = Math.max(1, Number(values.instances) || 20)
const seed = Number(values.seed) || 20

/** The product's default for hold is one of the candidates: the row the rule must select. */
export const CANDIDATES: GateCandidate[] = [
  { name: 'predecessor fit, k 2 (demo config today)', gate: { holdout: 0, sigma: 'std', k_sigma: 2 } },
  { name: 'predecessor fit, k 3.5', gate: { holdout: 0, sigma: 'std', k_sigma: 3.5 } },
  { name: 'holdout 60 min, mad, k 3.75', gate: { holdout_minutes: 60, sigma: 'mad', k_sigma: 3.75 } },
  { name: 'holdout 120 min, std, k 3.75', gate: { holdout_minutes: 120, sigma: 'std', k_sigma: 3.75 } },
  { name: 'holdout 120 min, mad, k 3.5', gate: { holdout_minutes: 120, sigma: 'mad', k_sigma: 3.5 } },
  { name: 'holdout 120 min, mad, k 3.75', gate: { holdout_minutes: 120, sigma: 'mad', k_sigma: 3.75 } },
  { name: 'holdout 120 min, mad, k 4', gate: { holdout_minutes: 120, sigma: 'mad', k_sigma: 4 } },
  { name: 'holdout 180 min, mad, k 3.75', gate: { holdout_minutes: 180, sigma: 'mad', k_sigma: 3.75 } },
]
/** The candidate whose resolved gate settings are the product's defaults (the configuration without gate keys). */
const gateOf = (candidate: GateCandidate) => JSON.stringify(candidateSettings(candidate).settings.gate)
const DEFAULT_NAME = CANDIDATES.find((candidate) => gateOf(candidate) === gateOf({ name: 'default', gate: {} }))?.name ?? 'none of the candidates'

const progress = (line: string) => process.stderr.write(`bench-gate: ${line}\n`)
const schedule = anomalySchedule(instances, seed)
const months = schedule.map((episodes, index) => syntheticMonth(index, episodes, seed))
progress(`${months.length} synthetic months, ${instances} anomalies per kind and size, seed ${seed}`)

const results: CandidateResult[] = []
for (const candidate of CANDIDATES) {
  const started = performance.now()
  const scores: MonthScore[] = months.map((month) => scoreMonth(month, candidate))
  results.push(summarize(candidate, scores))
  progress(`${candidate.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

const percent = (share: number) => `${Math.round(share * 100)} %`
const header = [
  'configuration',
  'anomaly',
  ...SIZES.map((size) => `${size}×`),
  `${RULE.stepSize}× by d1`,
  `${RULE.heldSize}× held 3 h on`,
  'false alarms / week',
]
const rows = results.flatMap((result) =>
  KINDS.map((kind, i) => {
    const cells = SIZES.map((size) => {
      const cell = result.cells.get(cellKey(kind, size))!
      return cell.medianDelay === null ? percent(cell.rate) : `${percent(cell.rate)} d${cell.medianDelay}`
    })
    const mark = qualifies(result) ? ' ✓' : ''
    const name = i === 0 ? `${result.candidate.name}${result.candidate.name === DEFAULT_NAME ? ' **(default)**' : ''}${mark}` : ''
    const step = kind.startsWith('step')
    const byD1 = step ? percent(result.cells.get(cellKey(kind, RULE.stepSize))!.withinOne) : ''
    const held = step || kind === 'ramp' ? percent(result.cells.get(cellKey(kind, RULE.heldSize))!.heldLater) : ''
    return [name, kind, ...cells, byD1, held, i === 0 ? result.falseAlarmsPerWeek.toFixed(2) : '']
  }),
)
const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c]!.length)))
const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`
const weeks = (months.length * MODEL.quietDays) / 7
console.log(
  [
    `# gate detection bench: ${months.length} synthetic months (seed ${seed}), ${instances} anomalies per kind and size, ${weeks.toFixed(0)} quiet weeks;`,
    `# cells: detected share and median delay in evaluations (d0 = caught at the first evaluation that sees it); ✓ = meets the rule`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n'),
)
const chosen = chooseDefault(results)
console.log(
  `\nrule: ≥ ${percent(RULE.stepWithinOne)} of ${RULE.stepSize}× steps (up and down) caught within one evaluation, ≥ ${percent(RULE.heldLater)} of ${RULE.heldSize}× steps still held 3 hours later, ≤ ${RULE.falseAlarmsPerWeek} false alarm a week; then the highest mean detection rate`,
)
console.log(`selected: ${chosen?.candidate.name ?? 'none qualifies'}; the default for on_trigger hold (GATE_DEFAULTS_BY_ON_TRIGGER): ${DEFAULT_NAME}`)
if (chosen !== null && chosen.candidate.name !== DEFAULT_NAME)
  console.log('THE DEFAULT DIFFERS FROM THE SELECTION: update GATE_DEFAULTS_BY_ON_TRIGGER.hold')
