/**
 * The golden case file (`/work/shared/golden/cases.json`, or the file named by `GOLDEN_CASES`):
 * its shape as TypeScript types and the loader. Shared by the in-memory path (memory-evaluate.ts)
 * and any path that loads the same rows into a real database.
 */
import path from 'node:path'

export interface GoldenFile {
  readonly generator: string
  readonly numpy_version: string
  readonly cases: GoldenCase[]
}

export type GoldenCase = GainsCase | EvaluateCase | OtherCase

interface CaseBase {
  readonly name: string
  readonly description: string
  readonly tags: string[]
}

export interface GainsCase extends CaseBase {
  readonly kind: 'calculate_correct_gains'
  readonly inputs: {
    readonly positions: { ts: string; value: number }[]
    readonly transactions: GoldenTransaction[]
  }
  readonly parameters: {
    readonly reference_time_index: number
    readonly interpolation_method: string
    readonly alignment_method: string
    readonly tx_timestamp_source: string
  }
  readonly expected: {
    readonly timebase: string[]
    readonly timebase_is_position_sample: boolean[]
    readonly interpolated_positions: number[]
    readonly deposit_cdf: number[]
    readonly withdrawal_cdf: number[]
    readonly gains: number[]
    readonly final_gain: number
    readonly corrected_position_P0_plus_G?: number[]
  }
}

export interface GoldenTransaction {
  readonly ts: string
  readonly created_at: string
  readonly wallet: string
  readonly type: 'deposit' | 'withdrawal'
  readonly amount: number
  readonly notes: string | null
}

/** A row of a positions table as the case stores it. */
export interface PositionRow {
  readonly ts: string
  readonly wallet: string | null
  readonly usd_value?: number | null
  readonly underlying_units?: number | null
  readonly price_usd?: number | null
}

/** A row of a deposits / withdrawals table as stored (withdrawals may be positive). */
export interface TransactionRow {
  readonly ts: string | null
  readonly created_at?: string | null
  readonly wallet: string | null
  readonly market_id?: string | null
  readonly amount: number | string | null
  readonly notes: string | null
}

export interface GateParameters {
  readonly enabled: boolean
  readonly basis: string
  readonly method: string
  readonly polynomial_order: number
  readonly k_sigma: number
  readonly min_points: number
  readonly exclude_last_for_sigma: boolean
  readonly lookback_hours: number | null
  readonly sigma_epsilon: number
  readonly apply_in_fallback: boolean | null
  readonly threshold_mode: string
  readonly central_confidence: number
}

export interface PriceCompareParameters {
  readonly enabled: boolean
  readonly sources: string[]
  readonly epsilon_mode: string
  readonly tolerance_epsilon: number
  readonly per_asset_overrides: Record<string, { epsilon_mode?: string | null; tolerance_epsilon?: number | null }>
  readonly action_on_mismatch: string
  readonly persistence_threshold: number
}

/** The predecessor's effective configuration, under its internal names. */
export interface EvaluateParameters {
  readonly assets: string[]
  readonly alignment_method: string
  readonly tx_timestamp_source: string
  readonly date_range: { start: string | null; end: string | null }
  readonly reference_keyword: string
  readonly reference_keyword_fallback: string | null
  readonly safety_factor_c: number
  readonly decision_gate: GateParameters
  readonly prices_sources: string[]
  readonly priority_by_logical: Record<string, string[]>
  readonly duty_cycle_threshold: number
  readonly price_compare: PriceCompareParameters
}

export interface ExpectedWallet {
  readonly wallet_address: string
  readonly wmax_usd: number
  readonly v_t1_usd: number
}

/** Every field of the predecessor's AssetDecision (plus wmax_usd_total). */
export interface ExpectedDecision {
  readonly decision: number
  readonly wmax_usd: ExpectedWallet[]
  readonly wmax_usd_total: number
  readonly v_ref_usd: number | null
  readonly v_t1_usd: number | null
  readonly g_usd: number | null
  readonly price_t1_usd: number | null
  readonly ref_mode: string | null
  readonly t0_timestamp_seconds: number | null
  readonly t1_timestamp_seconds: number | null
  readonly residual_usd: number | null
  readonly sigma_usd: number | null
  readonly k_sigma: number | null
  readonly residual_trigger: number | null
  readonly gate_applied: boolean | null
  readonly error: string | null
  readonly prices_by_source: Record<string, number>
  readonly price_delta_abs: number | null
  readonly price_delta_rel: number | null
  readonly price_mismatch: number | null
  readonly price_compare_unavailable: number | null
}

export type NumericTrace =
  | {
      readonly fn: 'np.polyfit'
      readonly x_hours: number[]
      readonly y: number[]
      readonly order: number
      readonly coefficients_highest_first: number[]
    }
  | { readonly fn: 'np.quantile'; readonly data: number[]; readonly q: number[]; readonly result: number[] }

export interface ExpectedRun {
  readonly run?: number
  readonly decisions: Record<string, ExpectedDecision>
  readonly numeric_trace?: NumericTrace[]
}

export interface EvaluateCase extends CaseBase {
  readonly kind: 'evaluate_once'
  readonly inputs: {
    readonly now_utc: string
    readonly resolver_map: Record<string, string>
    readonly positions: Record<string, PositionRow[]>
    readonly deposits: Record<string, TransactionRow[]>
    readonly withdrawals: Record<string, TransactionRow[]>
    readonly latest_prices_by_db_symbol: Record<string, number | null>
    readonly minswap_price_series: Record<string, { ts: string; price_usd: number | null }[]>
  }
  readonly parameters: EvaluateParameters
  readonly expected: ExpectedRun | ExpectedRun[]
}

/** Kinds this harness does not run (visualization helpers owned elsewhere). */
export interface OtherCase extends CaseBase {
  readonly kind: string
  readonly inputs: unknown
  readonly parameters: unknown
  readonly expected: unknown
}

export function isGainsCase(testCase: GoldenCase): testCase is GainsCase {
  return testCase.kind === 'calculate_correct_gains'
}

export function isEvaluateCase(testCase: GoldenCase): testCase is EvaluateCase {
  return testCase.kind === 'evaluate_once'
}

/** `GOLDEN_CASES` when set, else the shared cases next to the repository. */
export function goldenCasesPath(): string {
  return process.env.GOLDEN_CASES ?? path.resolve(import.meta.dir, '../../../../shared/golden/cases.json')
}

/** Why the cases cannot be read (a clone without ../shared), or null when they can. */
export async function missingCasesReason(file = goldenCasesPath()): Promise<string | null> {
  if (await Bun.file(file).exists()) return null
  return `golden cases not found at ${file}: the project expects ../shared beside its root, or set GOLDEN_CASES`
}

export async function casesFromFile(file = goldenCasesPath()): Promise<GoldenCase[]> {
  const missing = await missingCasesReason(file)
  if (missing !== null) throw new Error(missing)
  const parsed = (await Bun.file(file).json()) as GoldenFile
  return parsed.cases
}

/** The runs of an evaluate case (a list when state such as the mismatch streak carries over). */
export function expectedRuns(testCase: EvaluateCase): ExpectedRun[] {
  return Array.isArray(testCase.expected) ? testCase.expected : [testCase.expected]
}

/** ISO-8601 (UTC) → epoch ms. */
export function ms(isoText: string): number {
  const value = Date.parse(isoText)
  if (Number.isNaN(value)) throw new Error(`not an ISO timestamp: ${isoText}`)
  return value
}
