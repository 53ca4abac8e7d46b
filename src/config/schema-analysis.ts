/**
 * The `analysis` section of the configuration schema: the decision (reference, safety factor,
 * residual gate), the trend overlay and the price comparison, with their per-asset overrides.
 * Part of schema.ts (the single source of truth for keys and defaults), split for size.
 */
import { z } from 'zod'
import {
  EPSILON_MODES,
  GATE_BASES,
  GATE_DEFAULTS_BY_ON_TRIGGER,
  GATE_METHODS,
  GATE_ON_TRIGGER,
  GATE_SIGMA_ESTIMATORS,
  GATE_TAILS,
  MISMATCH_ACTIONS,
  REFERENCE_FALLBACKS,
  THRESHOLD_MODES,
  TREND_METHODS,
  TREND_WINDOW_TYPES,
} from '../engine/settings.ts'
import {
  aboveUpTo,
  assetName,
  atLeast,
  greaterThan,
  intBetween,
  lowerEnum,
  lowerString,
  lowercaseKeyRecord,
  MAX_DURATION_HOURS,
  nonEmptyString,
  section,
} from './fields.ts'

/** A polynomial of higher order than this is noise fitting, and its Vandermonde system is ill-conditioned. */
const MAX_POLYNOMIAL_ORDER = 10
/** Points a gate may demand: more than a year of one-minute samples. */
const MAX_POINTS = 1_000_000

const trendOverride = z.strictObject({
  method: lowerEnum(TREND_METHODS).optional(),
  window_type: lowerEnum(TREND_WINDOW_TYPES).optional(),
  window_size_hours: aboveUpTo(0, MAX_DURATION_HOURS).optional(),
  polynomial_order: intBetween(1, MAX_POLYNOMIAL_ORDER).optional(),
  gaussian_kde_sigma_fraction: aboveUpTo(0, 10).optional(),
})

const trendSection = section({
  enabled: z.boolean().default(true).describe('draw a trend line on the charts'),
  method: lowerEnum(TREND_METHODS).default('polynomial_fit').describe('polynomial_fit or moving_average'),
  polynomial_order: intBetween(1, MAX_POLYNOMIAL_ORDER).default(2).describe('order of the polynomial trend'),
  window_size_hours: aboveUpTo(0, MAX_DURATION_HOURS).default(24).describe('smoothing window of moving_average / gaussian / boxcar'),
  window_type: lowerEnum(TREND_WINDOW_TYPES).default('polynomial').describe('polynomial, gaussian, boxcar or none (polynomial_fit method)'),
  gaussian_kde_sigma_fraction: aboveUpTo(0, 10).default(0.3).describe('gaussian window: σ as a fraction of the window'),
  per_asset: lowercaseKeyRecord(trendOverride, assetName)
    .default({})
    .describe('per asset: method, window_type, window_size_hours, polynomial_order, gaussian_kde_sigma_fraction'),
})

const HOLD = GATE_DEFAULTS_BY_ON_TRIGGER.hold
const WITHDRAW = GATE_DEFAULTS_BY_ON_TRIGGER.withdraw

const gateOverride = z.strictObject({
  k_sigma: aboveUpTo(0, 100).optional(),
  polynomial_order: intBetween(1, MAX_POLYNOMIAL_ORDER).optional(),
  method: lowerEnum(GATE_METHODS).optional(),
  threshold_mode: lowerEnum(THRESHOLD_MODES).optional(),
  central_confidence: z.number().gt(0, 'must be in (0,1)').lt(1, 'must be in (0,1)').optional(),
  min_points: intBetween(2, MAX_POINTS).optional(),
  lookback_hours: aboveUpTo(0, MAX_DURATION_HOURS).nullable().optional(),
  holdout: intBetween(0, MAX_POINTS).optional(),
  holdout_minutes: aboveUpTo(0, MAX_DURATION_HOURS * 60)
    .nullable()
    .optional(),
  sigma: lowerEnum(GATE_SIGMA_ESTIMATORS).optional(),
})

/**
 * `method` and `polynomial_order` stay optional here: the predecessor's default order depends on
 * whether `method` was written (absent → 1, explicit polynomial_fit → 2); `resolve.ts` applies it.
 * `tail`, `k_sigma`, `holdout`/`holdout_minutes` and `sigma` default by `on_trigger`
 * (GATE_DEFAULTS_BY_ON_TRIGGER: hold → the bench's choice, withdraw → the predecessor's), also in
 * `resolve.ts`.
 */
const gateSection = section({
  enabled: z.boolean().default(false).describe('turn the residual gate on'),
  basis: lowerEnum(GATE_BASES)
    .default('corrected_position')
    .describe('series the gate fits: corrected_position (G + v_ref) or change_rate_usd (the price)'),
  method: lowerEnum(GATE_METHODS).optional().describe('baseline: polynomial_fit (default) or median'),
  polynomial_order: intBetween(1, MAX_POLYNOMIAL_ORDER)
    .optional()
    .describe("default 1, or 2 when method: polynomial_fit is written (the predecessor's rule)"),
  k_sigma: aboveUpTo(0, 100)
    .optional()
    .describe(`stddev mode: |r| > k·σ is an anomaly; default ${HOLD.k_sigma} for hold (bench), ${WITHDRAW.k_sigma} for withdraw`),
  min_points: intBetween(2, MAX_POINTS)
    .default(20)
    .describe('fewer points (or fewer than polynomial_order + 1): the gate cannot run and the asset HOLDs'),
  exclude_last_for_sigma: z.boolean().default(true).describe('estimate σ without the latest residual (the one being tested); holdout 0 only'),
  holdout: intBetween(0, MAX_POINTS)
    .optional()
    .describe(
      'the newest N samples are left out of the fit and σ, then judged against them; 0 = fit every point; writing it alone clears holdout_minutes',
    ),
  holdout_minutes: aboveUpTo(0, MAX_DURATION_HOURS * 60)
    .nullable()
    .optional()
    .describe(
      `hold out the samples of the newest N minutes (wins over holdout when set); default ${HOLD.holdout_minutes} for hold, null for withdraw`,
    ),
  sigma: lowerEnum(GATE_SIGMA_ESTIMATORS)
    .optional()
    .describe(
      `σ of the training residuals: std or mad (1.4826 × median absolute deviation); default ${HOLD.sigma} for hold, ${WITHDRAW.sigma} for withdraw`,
    ),
  lookback_hours: aboveUpTo(0, MAX_DURATION_HOURS).nullable().default(null).describe('gate on the last N hours only; null = since t0'),
  sigma_epsilon: greaterThan(0).default(1e-6).describe('stddev mode: σ below this means a degenerate series (gate skipped, HOLD)'),
  threshold_mode: lowerEnum(THRESHOLD_MODES).default('stddev').describe('stddev (k·σ) or percentile (central_confidence band of the residuals)'),
  central_confidence: z
    .number()
    .gt(0, 'must be in (0,1)')
    .lt(1, 'must be in (0,1)')
    .default(0.68)
    .describe('percentile mode: width of the central band'),
  on_trigger: lowerEnum(GATE_ON_TRIGGER)
    .default('hold')
    .describe("hold: an anomaly holds withdrawals; withdraw: the predecessor's peak signal (decision = trigger)"),
  tail: lowerEnum(GATE_TAILS).optional().describe('both, upper or lower; default both for hold, upper for withdraw'),
  assets: z.array(assetName).nullable().default(null).describe('assets the gate applies to; null = all configured assets'),
  apply_in_fallback: z.boolean().default(false).describe('also run the gate when t0 is the data_range fallback'),
  per_asset: lowercaseKeyRecord(gateOverride, assetName)
    .default({})
    .describe(
      'per asset: k_sigma, polynomial_order, method, threshold_mode, central_confidence, min_points, lookback_hours, holdout, holdout_minutes, sigma',
    ),
})

const priceCompareOverride = z.strictObject({
  epsilon_mode: lowerEnum(EPSILON_MODES).optional(),
  tolerance_epsilon: atLeast(0).optional(),
})

export const analysisSection = section({
  trend_indicator: trendSection.describe('trend line drawn on the charts (never affects decisions)'),
  decision: section({
    reference: section({
      keyword: nonEmptyString.default('alert_driven_withdrawal').describe('a withdrawal whose notes contain this text is a reference point t0'),
      fallback: lowerEnum(REFERENCE_FALLBACKS)
        .default('null')
        .describe('without a tagged withdrawal: null (HOLD) or data_range (t0 = data.date_range.start)'),
      plot_fallback: z.string().nullable().optional().describe("accepted for compatibility with the predecessor's files; has no effect"),
    }),
    safety_factor: section({
      c: z.number().gte(0, 'must be in [0,1]').lte(1, 'must be in [0,1]').default(0.5).describe('safety factor: W_max = c · max(0, gain) per wallet'),
    }),
    gate: gateSection,
  }),
  peg: section({
    usd_stablecoins: z
      .array(lowerString)
      .default(['djed', 'usdm', 'usdc', 'usdt', 'usda', 'iusd'])
      .describe('assets meant to be worth 1 USD: a peg badge shows when their price drifts (never affects decisions)'),
    max_deviation: z
      .number()
      .gt(0, 'must be in (0,1)')
      .lt(1, 'must be in (0,1)')
      .default(0.005)
      .describe('distance from 1 USD beyond which the peg badge shows, as a fraction (0.005 = 0.5 %)'),
  }),
  price_compare: section({
    enabled: z.boolean().default(false).describe('compare prices across logical sources; a mismatch can HOLD'),
    sources: z
      .union([z.literal('@prices.sources'), z.array(lowerString)])
      .default('@prices.sources')
      .describe('a list of logical sources, or "@prices.sources"'),
    epsilon_mode: lowerEnum(EPSILON_MODES).default('relative').describe('relative: Δ/max price; absolute: Δ in USD'),
    tolerance_epsilon: atLeast(0).default(0.01).describe('a mismatch is Δ strictly above this'),
    persistence_threshold: intBetween(1, 10_000).default(1).describe('consecutive mismatching evaluations before action_on_mismatch applies'),
    action_on_mismatch: lowerEnum(MISMATCH_ACTIONS).default('hold').describe('hold: force HOLD; flag_only: report only'),
    per_asset_overrides: lowercaseKeyRecord(priceCompareOverride, assetName).default({}).describe('per asset: epsilon_mode, tolerance_epsilon'),
    request_timeout_seconds: aboveUpTo(0, 120).default(5).describe('Minswap aggregator deadline, seconds'),
    retries: intBetween(0, 10).default(1).describe('Minswap aggregator retries'),
    currency: lowerString.default('usd').describe('Minswap quote currency when settings.currency is empty'),
  }),
})
