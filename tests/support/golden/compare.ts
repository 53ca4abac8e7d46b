/**
 * Comparison rules of golden/README.md, as functions that return the list of differences (empty
 * when the values agree), so the in-memory path and the database path report the same way:
 *
 * - decisions, triggers, flags, ref_mode, wallet order, timebases: exactly;
 * - interpolation / cumulative sums (A-cases, g_usd, W_max, v_ref, v_t1): bit-exact by default;
 * - anything from a least-squares fit, a mean or a standard deviation: 1e-9 relative;
 * - ERRORs: a non-empty reason (texts need not match);
 * - `usdRelative` loosens the USD amounts (1% for B11, whose transactions happen at a price ≠ 1).
 */
import type { AssetDecision } from '../../../src/engine/decision.ts'
import type { CorrectedGains } from '../../../src/engine/timebase.ts'
import type { ExpectedDecision, GainsCase } from './cases.ts'

/** Relative tolerance for values derived from a fit, a mean or a standard deviation. */
export const FIT_RELATIVE = 1e-9

export interface CompareOptions {
  /** relative tolerance for g_usd and W_max (0 = bit-exact) */
  readonly usdRelative?: number
  /** relative tolerance for v_ref / v_t1 (sums over wallets; 0 = bit-exact) */
  readonly sumRelative?: number
}

export function closeEnough(expected: number | null, actual: number | null, relative: number): boolean {
  if (expected === null || actual === null) return expected === actual
  if (Object.is(expected, actual) || expected === actual) return true
  if (relative === 0) return false
  return Math.abs(expected - actual) <= relative * Math.max(Math.abs(expected), Math.abs(actual))
}

/** The predecessor's field names for an engine decision. */
export function goldenShape(decision: AssetDecision): Omit<ExpectedDecision, 'price_t1_usd'> & { price_t1_usd: number | null } {
  const gate = decision.gate
  const evaluated = gate?.applied
  const pc = decision.priceCompare
  return {
    decision: decision.decision,
    wmax_usd: decision.wallets.map((w) => ({ wallet_address: w.wallet, wmax_usd: w.wmaxUsd, v_t1_usd: w.vT1Usd })),
    wmax_usd_total: decision.wmaxUsd,
    v_ref_usd: decision.vRefUsd,
    v_t1_usd: decision.vT1Usd,
    g_usd: decision.gUsd,
    price_t1_usd: decision.priceT1Usd,
    ref_mode: decision.refMode,
    t0_timestamp_seconds: decision.t0 === null ? null : decision.t0 / 1000,
    t1_timestamp_seconds: decision.t1 === null ? null : decision.t1 / 1000,
    residual_usd: evaluated ? gate.rNow : null,
    sigma_usd: evaluated ? gate.sigma : null,
    k_sigma: evaluated ? gate.k : null,
    residual_trigger: evaluated ? gate.triggered : null,
    gate_applied: decision.gateApplied,
    error: decision.error,
    prices_by_source: pc?.pricesBySource ?? {},
    price_delta_abs: pc?.deltaAbs ?? null,
    price_delta_rel: pc?.deltaRel ?? null,
    price_mismatch: pc === null ? null : pc.mismatch ? 1 : 0,
    price_compare_unavailable: pc === null ? null : pc.unavailable ? 1 : 0,
  }
}

export function compareDecision(expected: ExpectedDecision, actual: AssetDecision, options: CompareOptions = {}): string[] {
  const got = goldenShape(actual)
  const usd = options.usdRelative ?? 0
  const sums = options.sumRelative ?? 0
  const problems: string[] = []
  const exact = (field: keyof ExpectedDecision) => {
    if (JSON.stringify(expected[field]) !== JSON.stringify(got[field])) {
      problems.push(`${field}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(got[field])}`)
    }
  }
  const near = (field: keyof ExpectedDecision, relative: number) => {
    const e = expected[field] as number | null
    const a = got[field] as number | null
    if (!closeEnough(e, a, relative)) problems.push(`${field}: expected ${e}, got ${a} (relative ${relative})`)
  }

  for (const field of [
    'decision',
    'ref_mode',
    't0_timestamp_seconds',
    't1_timestamp_seconds',
    'k_sigma',
    'residual_trigger',
    'gate_applied',
    'price_t1_usd',
    'prices_by_source',
    'price_delta_abs',
    'price_delta_rel',
    'price_mismatch',
    'price_compare_unavailable',
  ] as const) {
    exact(field)
  }
  near('v_ref_usd', sums)
  near('v_t1_usd', sums)
  near('g_usd', usd)
  near('wmax_usd_total', usd)
  near('residual_usd', FIT_RELATIVE)
  near('sigma_usd', FIT_RELATIVE)

  const expectedWallets = expected.wmax_usd.map((w) => w.wallet_address)
  const actualWallets = got.wmax_usd.map((w) => w.wallet_address)
  if (JSON.stringify(expectedWallets) !== JSON.stringify(actualWallets)) {
    problems.push(`wallet order: expected ${JSON.stringify(expectedWallets)}, got ${JSON.stringify(actualWallets)}`)
  } else {
    expected.wmax_usd.forEach((w, i) => {
      const a = got.wmax_usd[i]!
      if (!closeEnough(w.wmax_usd, a.wmax_usd, usd)) {
        problems.push(`wmax_usd[${w.wallet_address}]: expected ${w.wmax_usd}, got ${a.wmax_usd}`)
      }
      if (!closeEnough(w.v_t1_usd, a.v_t1_usd, sums)) {
        problems.push(`v_t1_usd[${w.wallet_address}]: expected ${w.v_t1_usd}, got ${a.v_t1_usd}`)
      }
    })
  }

  if ((expected.error === null) !== (actual.error === null)) {
    problems.push(`error: expected ${JSON.stringify(expected.error)}, got ${JSON.stringify(actual.error)}`)
  }
  if (actual.decision !== 1 && !(actual.reason && actual.reason.trim() !== '')) {
    problems.push(`decision ${actual.decision} without a reason`)
  }
  return problems
}

const isoOf = (t: number) => new Date(t).toISOString()

/** A-cases: timebase and flags exactly, P / D / W / G bit-exact. */
export function compareGains(expected: GainsCase['expected'], actual: CorrectedGains): string[] {
  const problems: string[] = []
  const same = (label: string, e: readonly unknown[], a: readonly unknown[]) => {
    if (e.length !== a.length || e.some((v, i) => !Object.is(v, a[i]))) {
      problems.push(`${label}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`)
    }
  }
  same('timebase', expected.timebase, actual.timebase.map(isoOf))
  same('timebase_is_position_sample', expected.timebase_is_position_sample, actual.isPositionSample)
  same('interpolated_positions', expected.interpolated_positions, actual.positions)
  same('deposit_cdf', expected.deposit_cdf, actual.depositCdf)
  same('withdrawal_cdf', expected.withdrawal_cdf, actual.withdrawalCdf)
  same('gains', expected.gains, actual.gains)
  if (!Object.is(expected.final_gain, actual.gains.at(-1))) {
    problems.push(`final_gain: expected ${expected.final_gain}, got ${actual.gains.at(-1)}`)
  }
  return problems
}

/** Same-kind transactions placed on one timebase index (where the predecessor kept only the last). */
export function sameSlotCollisions(
  actual: CorrectedGains,
  transactions: readonly { kind: 'deposit' | 'withdrawal'; amountUsd: number }[],
): Map<string, number[]> {
  const slots = new Map<string, number[]>()
  actual.placements.forEach((index, k) => {
    const tx = transactions[k]!
    const key = `${tx.kind}@${index}`
    slots.set(key, [...(slots.get(key) ?? []), Math.abs(tx.amountUsd)])
  })
  return new Map([...slots].filter(([, amounts]) => amounts.length > 1))
}

/**
 * A-cases with same-slot collisions (PRODUCT §3: amounts add up, the predecessor overwrote):
 * timebase and positions exactly; at a colliding slot the predecessor's step is the LAST amount and
 * ours the SUM; elsewhere the steps agree; and G differs by exactly the amounts the predecessor lost.
 */
export function compareGainsAddingUp(
  expected: GainsCase['expected'],
  actual: CorrectedGains,
  collisions: Map<string, number[]>,
  referenceIndex: number,
): string[] {
  const problems = compareGains(expected, actual).filter((p) => /^(timebase|interpolated_positions)/.test(p))
  const steps = (cdf: readonly number[]) => cdf.map((v, i) => v - (i > 0 ? (cdf[i - 1] as number) : 0))
  const lost = new Array<number>(actual.timebase.length).fill(0)
  for (const kind of ['deposit', 'withdrawal'] as const) {
    const theirs = steps(kind === 'deposit' ? expected.deposit_cdf : expected.withdrawal_cdf)
    const ours = steps(kind === 'deposit' ? actual.depositCdf : actual.withdrawalCdf)
    theirs.forEach((step, i) => {
      const amounts = collisions.get(`${kind}@${i}`)
      const wanted = amounts ? amounts.reduce((a, b) => a + b, 0) : step
      if (amounts && !closeEnough(step, amounts.at(-1)!, FIT_RELATIVE)) {
        problems.push(`${kind}@${i}: predecessor kept ${step}, not the last amount`)
      }
      if (!closeEnough(wanted, ours[i]!, FIT_RELATIVE)) problems.push(`${kind}@${i}: expected the sum ${wanted}, got ${ours[i]}`)
      if (amounts) lost[i]! += (kind === 'deposit' ? -1 : 1) * (wanted - step)
    })
  }
  const lostCumulative: number[] = []
  lost.reduce((acc, v, i) => (lostCumulative[i] = acc + v), 0)
  const r = referenceIndex < 0 ? lost.length + referenceIndex : referenceIndex
  expected.gains.forEach((g, i) => {
    const want = g + lostCumulative[i]! - lostCumulative[r]!
    if (Math.abs(want - actual.gains[i]!) > FIT_RELATIVE * Math.max(1, Math.abs(want))) {
      problems.push(`gains[${i}]: expected ${want} (predecessor ${g} plus the lost amounts), got ${actual.gains[i]}`)
    }
  })
  return problems
}

/** numpy trace values at 1e-9 relative; returns the largest relative error seen as well. */
export function compareNumbers(label: string, expected: readonly number[], actual: readonly number[]) {
  let worst = 0
  const problems: string[] = []
  if (expected.length !== actual.length) problems.push(`${label}: length ${actual.length}, expected ${expected.length}`)
  expected.forEach((e, i) => {
    const a = actual[i] as number
    const error = e === a ? 0 : Math.abs(e - a) / Math.max(Math.abs(e), Math.abs(a))
    worst = Math.max(worst, error)
    if (!(error <= FIT_RELATIVE)) problems.push(`${label}[${i}]: expected ${e}, got ${a}`)
  })
  return { problems, worst }
}
