/**
 * The settings the engine needs, per asset, already resolved (defaults filled, per-asset
 * overrides applied) by `config/`. Field names mirror the YAML keys so a reader can grep a key
 * from the config file straight into the math. The config schema's resolved types are checked to
 * be assignable to these interfaces, so the two cannot drift.
 */

export const ALIGNMENT_METHODS = ['none', 'right_open', 'detect_spike', 'snap_to_next_pos', 'snap_to_prev_pos', 'snap_to_nearest_pos'] as const
export type AlignmentMethod = (typeof ALIGNMENT_METHODS)[number]

export const GATE_BASES = ['corrected_position', 'change_rate_usd'] as const
export type GateBasis = (typeof GATE_BASES)[number]

export const GATE_METHODS = ['polynomial_fit', 'median'] as const
export type GateMethod = (typeof GATE_METHODS)[number]

export const THRESHOLD_MODES = ['stddev', 'percentile'] as const
export type ThresholdMode = (typeof THRESHOLD_MODES)[number]

/** `hold`: an anomaly holds withdrawals (seed); `withdraw`: a peak signals a withdrawal (predecessor). */
export const GATE_ON_TRIGGER = ['hold', 'withdraw'] as const
export type GateOnTrigger = (typeof GATE_ON_TRIGGER)[number]

/** How the gate measures the spread of the training residuals: population std, or 1.4826 × MAD. */
export const GATE_SIGMA_ESTIMATORS = ['std', 'mad'] as const
export type GateSigmaEstimator = (typeof GATE_SIGMA_ESTIMATORS)[number]

/**
 * The gate's defaults that depend on what a trigger means. `withdraw` keeps the predecessor's fit
 * (every point, σ = std, k = 2: the golden cases run it). `hold` uses the configuration the
 * detection bench (tests/bench/gate.ts, README "Residual gate: measured detection") selects by
 * the rule stated there.
 */
export const GATE_DEFAULTS_BY_ON_TRIGGER = {
  hold: { k_sigma: 3.75, holdout: 0, holdout_minutes: 120, sigma: 'mad' },
  withdraw: { k_sigma: 2, holdout: 0, holdout_minutes: null, sigma: 'std' },
} as const satisfies Record<GateOnTrigger, { k_sigma: number; holdout: number; holdout_minutes: number | null; sigma: GateSigmaEstimator }>

/** Which side of the baseline counts as an anomaly. */
export const GATE_TAILS = ['both', 'upper', 'lower'] as const
export type GateTail = (typeof GATE_TAILS)[number]

/** The residual gate for one asset (analysis.decision.gate, with gate.per_asset.<asset> applied). */
export interface GateSettings {
  /** false when the gate is disabled or the asset is not in gate.assets */
  enabled: boolean
  basis: GateBasis
  method: GateMethod
  polynomial_order: number
  k_sigma: number
  min_points: number
  exclude_last_for_sigma: boolean
  /**
   * the newest samples left out of the baseline fit and of σ, then judged against them (the newest
   * decides); 0 = the predecessor's fit over every point
   */
  holdout: number
  /** instead of a count, hold out the samples of the newest N minutes; null = use `holdout` */
  holdout_minutes: number | null
  /** spread of the training residuals: `std` (population, the predecessor) or `mad` (1.4826 × MAD) */
  sigma: GateSigmaEstimator
  /** null: the whole series since t0 */
  lookback_hours: number | null
  sigma_epsilon: number
  threshold_mode: ThresholdMode
  central_confidence: number
  on_trigger: GateOnTrigger
  tail: GateTail
  /** also run the gate when t0 comes from the data_range fallback */
  apply_in_fallback: boolean
}

export const REFERENCE_FALLBACKS = ['null', 'data_range'] as const
export type ReferenceFallback = (typeof REFERENCE_FALLBACKS)[number]

export interface ReferenceSettings {
  /** a withdrawal whose notes contain this text (case-sensitive) is a reference point */
  keyword: string
  fallback: ReferenceFallback
}

export const EPSILON_MODES = ['relative', 'absolute'] as const
export type EpsilonMode = (typeof EPSILON_MODES)[number]

export const MISMATCH_ACTIONS = ['hold', 'flag_only'] as const
export type MismatchAction = (typeof MISMATCH_ACTIONS)[number]

/** analysis.price_compare for one asset (per_asset_overrides applied). */
export interface PriceCompareSettings {
  enabled: boolean
  /** logical sources compared, in order, de-duplicated */
  sources: string[]
  epsilon_mode: EpsilonMode
  tolerance_epsilon: number
  persistence_threshold: number
  action_on_mismatch: MismatchAction
}

export const TREND_METHODS = ['polynomial_fit', 'moving_average'] as const
export type TrendMethod = (typeof TREND_METHODS)[number]

export const TREND_WINDOW_TYPES = ['polynomial', 'gaussian', 'boxcar', 'none'] as const
export type TrendWindowType = (typeof TREND_WINDOW_TYPES)[number]

/** analysis.trend_indicator for one asset (per_asset applied). Visualization only. */
export interface TrendSettings {
  enabled: boolean
  method: TrendMethod
  polynomial_order: number
  window_size_hours: number
  window_type: TrendWindowType
  gaussian_kde_sigma_fraction: number
}

/** Everything the engine needs to decide one asset. */
export interface AssetSettings {
  alignment_method: AlignmentMethod
  /** which instant of a transaction places it on the timebase (v2: always `timestamp`) */
  tx_timestamp_source: 'timestamp' | 'created_at'
  reference: ReferenceSettings
  /** safety factor c, 0 ≤ c ≤ 1 */
  safety_factor: number
  gate: GateSettings
  price_compare: PriceCompareSettings
  trend: TrendSettings
}
