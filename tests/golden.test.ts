/**
 * The predecessor's numbers (golden/cases.json, or the file named by GOLDEN_CASES), one test per
 * case. `calculate_correct_gains` cases call the engine directly; `evaluate_once` cases build the
 * engine's inputs in memory from the case's rows (tests/support/golden) and run the pure decision.
 * The numeric_trace of each case checks polyfit / quantile against numpy at 1e-9 relative, and that
 * the gate fitted the same series the predecessor fitted.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import type { AssetDecision } from '../src/engine/decision.ts'
import { polyfit, quantile } from '../src/engine/numeric.ts'
import { hoursSinceFirst } from '../src/engine/series.ts'
import { correctedGains } from '../src/engine/timebase.ts'
import {
  casesFromFile,
  type EvaluateCase,
  expectedRuns,
  type GainsCase,
  goldenCasesPath,
  isEvaluateCase,
  isGainsCase,
  ms,
  type NumericTrace,
} from './support/golden/cases.ts'
import {
  compareDecision,
  compareGains,
  compareGainsAddingUp,
  compareNumbers,
  sameSlotCollisions,
} from './support/golden/compare.ts'
import { evaluateCaseInMemory, type MismatchStreaks } from './support/golden/memory-evaluate.ts'
import { alignmentFrom } from './support/golden/settings.ts'

/** B11-like cases: transactions at a price ≠ 1 are converted to USD here and not by the predecessor. */
const CONVERTED_USD_RELATIVE = 0.01

const cases = await casesFromFile()
const worstTraceError = { polyfit: 0, quantile: 0 }

describe(`golden cases (${goldenCasesPath()})`, () => {
  for (const testCase of cases) {
    if (isGainsCase(testCase)) {
      if (testCase.parameters.interpolation_method.toLowerCase() !== 'linear') {
        // cubic interpolation exists in the predecessor but the service never uses it
        test.skip(testCase.name, () => {})
      } else {
        test(testCase.name, () => expect(runGainsCase(testCase)).toEqual([]))
      }
    } else if (isEvaluateCase(testCase)) {
      test(testCase.name, () => expect(runEvaluateCase(testCase)).toEqual([]))
    } else {
      // visualization helpers (trend smoothers, whisker aggregation) have no handler here yet
      test.skip(testCase.name, () => {})
    }
  }
})

afterAll(() => {
  console.info(
    `golden numeric_trace: max relative error polyfit=${worstTraceError.polyfit.toExponential(2)} ` +
      `quantile=${worstTraceError.quantile.toExponential(2)}`,
  )
})

function runGainsCase(testCase: GainsCase): string[] {
  const { inputs, parameters } = testCase
  const transactions = inputs.transactions.map((tx) => ({
    ts: ms(tx.ts),
    createdAt: ms(tx.created_at),
    kind: tx.type,
    amountUsd: tx.amount,
  }))
  const result = correctedGains(
    { ts: inputs.positions.map((p) => ms(p.ts)), values: inputs.positions.map((p) => p.value) },
    transactions,
    {
      alignment: alignmentFrom(parameters.alignment_method),
      txTimestampSource: parameters.tx_timestamp_source === 'created_at' ? 'created_at' : 'timestamp',
      referenceIndex: parameters.reference_time_index,
    },
  )
  // PRODUCT §3: same-slot amounts add up where the predecessor overwrote (golden A12, A13)
  const collisions = sameSlotCollisions(result, transactions)
  if (collisions.size > 0) return compareGainsAddingUp(testCase.expected, result, collisions, parameters.reference_time_index)
  const problems = compareGains(testCase.expected, result)
  const expectedCorrected = testCase.expected.corrected_position_P0_plus_G
  if (expectedCorrected) {
    const pRef = result.positions.at(parameters.reference_time_index) as number
    const corrected = result.gains.map((g) => g + pRef)
    if (expectedCorrected.some((v, i) => !Object.is(v, corrected[i]))) problems.push('corrected_position_P0_plus_G differs')
  }
  return problems
}

function runEvaluateCase(testCase: EvaluateCase): string[] {
  const streaks: MismatchStreaks = new Map()
  const usdRelative = transactionsAtPriceOtherThanOne(testCase) ? CONVERTED_USD_RELATIVE : 0
  const problems: string[] = []
  expectedRuns(testCase).forEach((run, index) => {
    const decisions = evaluateCaseInMemory(testCase, streaks)
    const label = (asset: string) => `run ${index + 1} ${asset}`
    const expectedAssets = Object.keys(run.decisions)
    if (JSON.stringify(expectedAssets) !== JSON.stringify(Object.keys(decisions))) {
      problems.push(`run ${index + 1}: assets ${JSON.stringify(Object.keys(decisions))}, expected ${JSON.stringify(expectedAssets)}`)
    }
    for (const asset of expectedAssets) {
      const actual = decisions[asset]
      if (actual === undefined) continue
      problems.push(...compareDecision(run.decisions[asset]!, actual, { usdRelative }).map((p) => `${label(asset)}: ${p}`))
    }
    problems.push(...checkTrace(run.numeric_trace ?? [], Object.values(decisions)).map((p) => `run ${index + 1}: ${p}`))
  })
  return problems
}

/**
 * Each np.polyfit / np.quantile call of the predecessor: our primitive on the same inputs, and the
 * series our gate built compared with the one the predecessor fitted (same order of calls).
 */
function checkTrace(trace: readonly NumericTrace[], decisions: readonly AssetDecision[]): string[] {
  const problems: string[] = []
  const fits = decisions.flatMap((d) => (d.gate?.coefficients ? [d.gate] : []))
  const bands = decisions.flatMap((d) => (d.gate?.applied && d.gate.thresholds?.mode === 'percentile' ? [d.gate] : []))
  let fitIndex = 0
  let bandIndex = 0
  for (const entry of trace) {
    if (entry.fn === 'np.polyfit') {
      const ours = compareNumbers('polyfit', entry.coefficients_highest_first, polyfit(entry.x_hours, entry.y, entry.order))
      worstTraceError.polyfit = Math.max(worstTraceError.polyfit, ours.worst)
      problems.push(...ours.problems)
      const gate = fits[fitIndex++]
      if (gate === undefined) {
        problems.push('polyfit traced by the predecessor but our gate fitted nothing')
        continue
      }
      problems.push(...compareNumbers('gate x_hours', entry.x_hours, hoursSinceFirst(gate.series.x)).problems)
      problems.push(...compareNumbers('gate y', entry.y, gate.series.y).problems)
      problems.push(...compareNumbers('gate coefficients', entry.coefficients_highest_first, gate.coefficients ?? []).problems)
    } else {
      const ours = compareNumbers('quantile', entry.result, entry.q.map((q) => quantile(entry.data, q)))
      worstTraceError.quantile = Math.max(worstTraceError.quantile, ours.worst)
      problems.push(...ours.problems)
      const gate = bands[bandIndex++]
      if (gate === undefined) {
        problems.push('quantile traced by the predecessor but our gate computed no band')
        continue
      }
      const residuals = gate.series.residuals ?? []
      const sample = entry.data.length === residuals.length ? residuals : residuals.slice(0, -1)
      problems.push(...compareNumbers('gate residual sample', entry.data, sample).problems)
      problems.push(...compareNumbers('gate band', entry.result, [gate.thresholds!.lower, gate.thresholds!.upper]).problems)
    }
  }
  return problems
}

function transactionsAtPriceOtherThanOne(testCase: EvaluateCase): boolean {
  return Object.values(testCase.inputs.positions).some((rows) =>
    rows.some((row) => row.price_usd !== null && row.price_usd !== undefined && row.price_usd !== 1),
  )
}
