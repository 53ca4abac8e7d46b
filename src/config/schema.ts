/**
 * The configuration schema: the v2 key tree of the predecessor (spec-config §2) plus the
 * additions of PRODUCT §3, with every default inside it. Strict at every level: an unknown key is
 * an error with its full path. Cross-field rules live in `superRefine` at the end so that every
 * problem is reported at once.
 *
 * This file is the single source of truth for keys and defaults; README's configuration
 * reference is generated from it (scripts/config-reference.ts).
 */
import { z } from 'zod'
import {
  ALIGNMENT_METHODS,
  EPSILON_MODES,
  GATE_BASES,
  GATE_METHODS,
  GATE_ON_TRIGGER,
  GATE_TAILS,
  MISMATCH_ACTIONS,
  REFERENCE_FALLBACKS,
  THRESHOLD_MODES,
  TREND_METHODS,
  TREND_WINDOW_TYPES,
} from '../engine/settings.ts'
import {
  ageOrDate,
  atLeast,
  greaterThan,
  intAtLeast,
  isoDateTime,
  lowerEnum,
  lowerString,
  lowercaseKeyRecord,
  nonEmptyString,
  port,
  section,
} from './fields.ts'
import { historySection, notificationsSection } from './notifications.ts'
import { instantOf, isValidTimeZone } from './time.ts'

const identifierText = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must contain only letters, digits and _ (it becomes part of a SQL identifier)')

const walletAddress = z
  .string()
  .trim()
  .regex(/^(addr1|addr_test1)[0-9a-z]+$/, 'must be a Cardano address starting with addr1 or addr_test1')

const walletEntry = z.union([
  walletAddress,
  z.strictObject({
    address: walletAddress.optional(),
    address_env: z.string().trim().min(1).optional(),
  }),
])

const settingsSection = section({
  timezone: z
    .string()
    .trim()
    .refine(isValidTimeZone, 'is not a valid IANA time zone')
    .default('Asia/Tokyo')
    .describe('IANA zone in which naive `data.date_range` values are read'),
  currency: lowerString.default('usd').describe('quote currency for the Minswap aggregator'),
})

const greptimeConnection = z.strictObject({
  host: nonEmptyString
    .regex(
      /^([a-z][a-z0-9+.-]*:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)\/?$/,
      'must be a host name or an IP address (a scheme like http:// is ignored)',
    )
    .default('localhost')
    .describe('host name or address; `http://host` is accepted and its scheme ignored'),
  port: port.default(4003).describe("GreptimeDB's PostgreSQL wire port (4003), or PostgreSQL's 5432"),
  database: nonEmptyString.default('liqwid').describe('GreptimeDB database (PostgreSQL: database) holding the liqwid tables'),
  user: nonEmptyString.default('greptime').describe('user name (GreptimeDB without auth accepts any)'),
  password: z.string().nullable().default(null).describe('password; prefer password_env'),
  password_env: z
    .string()
    .trim()
    .min(1)
    .nullable()
    .default(null)
    .describe('name of an environment variable holding the password (wins over `password`)'),
  timeout: greaterThan(0).default(10).describe('seconds; connect and per-query deadline'),
  dialect: lowerEnum(['auto', 'greptime', 'postgres'] as const)
    .default('auto')
    .describe('SQL dialect for DDL and table listing; auto asks the server'),
  max_connections: intAtLeast(1)
    .default(2)
    .describe(
      'connections (and so concurrent queries) at most; never more than an evaluation reads at once (4 per asset); 1 on a small host shared with the database keeps the HTTP server responsive',
    ),
})

const liqwidTables = section({
  table_asset_prefix: identifierText.default('liqwid_supply_positions_').describe('positions table = prefix + asset symbol'),
  deposits_prefix: identifierText.default('liqwid_deposits_').describe('deposits table = prefix + asset symbol'),
  withdrawals_prefix: identifierText.default('liqwid_withdrawals_').describe('withdrawals table = prefix + asset symbol'),
})

const minswapTables = section({
  database: identifierText.default('minswap').describe('GreptimeDB database (PostgreSQL schema) holding the Minswap price tables'),
  table_price_prefix: identifierText.default('minswap_prices_').describe('Minswap price table = prefix + asset symbol'),
})

const dataSection = section({
  databases: section({
    greptime: greptimeConnection.optional().describe('absent: the embedded store (data.embedded) is used'),
  }),
  embedded: section({
    dir: nonEmptyString.default('./data').describe('directory of the embedded SQLite store (created; locked while a server runs)'),
    seed: lowerEnum(['demo'] as const)
      .nullable()
      .default(null)
      .describe('`demo`: fill an empty embedded store with the synthetic demo market'),
  }),
  datasets: section({
    transactions: section({
      alignment_method: lowerEnum(ALIGNMENT_METHODS)
        .default('none')
        .describe(
          'where a transaction lands on the timebase: none, right_open, detect_spike, snap_to_next_pos, snap_to_prev_pos, snap_to_nearest_pos',
        ),
      timestamp_source: lowerEnum(['timestamp', 'created_at'] as const)
        .default('timestamp')
        .describe('which instant places a transaction on the timebase'),
      sources: section({ liqwid: liqwidTables, minswap: minswapTables }),
    }),
  }),
  date_range: section({
    start: isoDateTime
      .nullable()
      .default(null)
      .describe('evaluation window start (reference search, data_range fallback); naive = settings.timezone'),
    end: isoDateTime.nullable().default(null).describe('evaluation window end; null = now'),
  }),
})

const DEFAULT_PRIORITY = { liqwid: ['greptime(liqwid)', 'liqwid'], minswap: ['greptime(minswap)', 'minswap'] }
const PROVIDER = /^(greptime\(liqwid\)|greptime\(minswap\)|liqwid|minswap)$/

const providerName = z.string().trim().toLowerCase().regex(PROVIDER, 'must be greptime(liqwid), greptime(minswap), liqwid or minswap')

/** null turns the live provider (and, for Liqwid, the transaction sync) off */
const endpointUrl = (defaultUrl: string | null) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .nullable()
    .default(defaultUrl)

const pricesSection = section({
  sources: z
    .array(lowerString)
    .min(1, 'must be a non-empty list')
    .default(['liqwid', 'minswap'])
    .describe('logical price sources, in priority order for the decision price'),
  priority_by_logical: lowercaseKeyRecord(z.array(providerName).min(1, 'must be a non-empty list'))
    .default(DEFAULT_PRIORITY)
    .describe('per logical source, providers tried in order: greptime(liqwid), greptime(minswap), liqwid, minswap'),
  duty_cycle_threshold: z
    .number()
    .gt(0, 'must be in (0,1]')
    .lte(1, 'must be in (0,1]')
    .default(0.9)
    .describe('below this coverage of the window, the change-rate gate falls back to greptime(liqwid) prices'),
  endpoints: section({
    liqwid_graphql: endpointUrl('https://v2.api.liqwid.finance/graphql').describe('Liqwid GraphQL API (live prices, transaction sync); null = off'),
    minswap_aggregator: endpointUrl('https://agg-api.minswap.org').describe('Minswap aggregator API (live prices); null = off'),
    koios: endpointUrl('https://api.koios.rest/api/v1').describe('Koios API (wallet balances for the position collector); null = off'),
  }),
  transaction_sync: section({
    start_date: isoDateTime.nullable().default(null).describe('default start of a transaction sync (else 2023-10-01)'),
    end_date: isoDateTime.nullable().default(null).describe('default end of a transaction sync (else now)'),
  }),
})

/** The collector also reads stake addresses: Koios sums the balances of every address of the account. */
const collectorWallet = z
  .string()
  .trim()
  .regex(
    /^(addr1|addr_test1|stake1|stake_test1)[0-9a-z]+$/,
    'must be a Cardano address (addr1…, addr_test1…) or stake address (stake1…, stake_test1…)',
  )

const collectorSection = section({
  enabled: z.boolean().default(false).describe('collect positions (Koios balances × Liqwid exchange rates) into the positions tables on schedule'),
  interval_minutes: greaterThan(0).default(5).describe('minutes between samples; timestamps are aligned to this grid (12:00, 12:05, …)'),
  wallets: z
    .array(z.union([collectorWallet, z.strictObject({ address: collectorWallet.optional(), address_env: z.string().trim().min(1).optional() })]))
    .min(1, 'must be a non-empty list when provided')
    .nullable()
    .default(null)
    .describe('addresses to collect (`addr1…` or `stake1…`, or `{address_env: NAME}`); null = the top-level wallets'),
  assets: z.array(lowerString).min(1, 'must be a non-empty list').nullable().default(null).describe('assets to collect; null = domain.assets'),
  koios_token_env: z
    .string()
    .trim()
    .min(1)
    .nullable()
    .default(null)
    .describe('environment variable holding a Koios bearer token (higher limits); null = public tier'),
  timeout_seconds: greaterThan(0).default(20).describe('deadline of one Koios or Liqwid request (one retry on a transport error, 5xx or 429)'),
})

const trendOverride = z.strictObject({
  method: lowerEnum(TREND_METHODS).optional(),
  window_type: lowerEnum(TREND_WINDOW_TYPES).optional(),
  window_size_hours: greaterThan(0).optional(),
  polynomial_order: intAtLeast(1).optional(),
  gaussian_kde_sigma_fraction: greaterThan(0).optional(),
})

const trendSection = section({
  enabled: z.boolean().default(true).describe('draw a trend line on the charts'),
  method: lowerEnum(TREND_METHODS).default('polynomial_fit').describe('polynomial_fit or moving_average'),
  polynomial_order: intAtLeast(1).default(2).describe('order of the polynomial trend'),
  window_size_hours: greaterThan(0).default(24).describe('smoothing window of moving_average / gaussian / boxcar'),
  window_type: lowerEnum(TREND_WINDOW_TYPES).default('polynomial').describe('polynomial, gaussian, boxcar or none (polynomial_fit method)'),
  gaussian_kde_sigma_fraction: greaterThan(0).default(0.3).describe('gaussian window: σ as a fraction of the window'),
  per_asset: lowercaseKeyRecord(trendOverride)
    .default({})
    .describe('per asset: method, window_type, window_size_hours, polynomial_order, gaussian_kde_sigma_fraction'),
})

const gateOverride = z.strictObject({
  k_sigma: greaterThan(0).optional(),
  polynomial_order: intAtLeast(1).optional(),
  method: lowerEnum(GATE_METHODS).optional(),
  threshold_mode: lowerEnum(THRESHOLD_MODES).optional(),
  central_confidence: z.number().gt(0, 'must be in (0,1)').lt(1, 'must be in (0,1)').optional(),
  min_points: intAtLeast(2).optional(),
  lookback_hours: greaterThan(0).nullable().optional(),
})

/**
 * `method` and `polynomial_order` stay optional here: the predecessor's default order depends on
 * whether `method` was written (absent → 1, explicit polynomial_fit → 2); `resolve.ts` applies it.
 * `tail` defaults by `on_trigger` (hold → both, withdraw → upper), also in `resolve.ts`.
 */
const gateSection = section({
  enabled: z.boolean().default(false).describe('turn the residual gate on'),
  basis: lowerEnum(GATE_BASES)
    .default('corrected_position')
    .describe('series the gate fits: corrected_position (G + v_ref) or change_rate_usd (the price)'),
  method: lowerEnum(GATE_METHODS).optional().describe('baseline: polynomial_fit (default) or median'),
  polynomial_order: intAtLeast(1).optional().describe("default 1, or 2 when method: polynomial_fit is written (the predecessor's rule)"),
  k_sigma: greaterThan(0).default(2).describe('stddev mode: |r| > k·σ is an anomaly'),
  min_points: intAtLeast(2).default(20).describe('fewer points (or fewer than polynomial_order + 1): the gate cannot run and the asset HOLDs'),
  exclude_last_for_sigma: z.boolean().default(true).describe('estimate σ without the latest residual (the one being tested)'),
  lookback_hours: greaterThan(0).nullable().default(null).describe('gate on the last N hours only; null = since t0'),
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
  assets: z.array(lowerString).nullable().default(null).describe('assets the gate applies to; null = all configured assets'),
  apply_in_fallback: z.boolean().default(false).describe('also run the gate when t0 is the data_range fallback'),
  per_asset: lowercaseKeyRecord(gateOverride)
    .default({})
    .describe('per asset: k_sigma, polynomial_order, method, threshold_mode, central_confidence, min_points, lookback_hours'),
})

const priceCompareOverride = z.strictObject({
  epsilon_mode: lowerEnum(EPSILON_MODES).optional(),
  tolerance_epsilon: atLeast(0).optional(),
})

const analysisSection = section({
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
    persistence_threshold: intAtLeast(1).default(1).describe('consecutive mismatching evaluations before action_on_mismatch applies'),
    action_on_mismatch: lowerEnum(MISMATCH_ACTIONS).default('hold').describe('hold: force HOLD; flag_only: report only'),
    per_asset_overrides: lowercaseKeyRecord(priceCompareOverride).default({}).describe('per asset: epsilon_mode, tolerance_epsilon'),
    request_timeout_seconds: greaterThan(0).default(5).describe('Minswap aggregator deadline, seconds'),
    retries: intAtLeast(0).default(1).describe('Minswap aggregator retries'),
    currency: lowerString.default('usd').describe('Minswap quote currency when settings.currency is empty'),
  }),
})

export const EXPOSABLE_METRICS = {
  decision: true,
  wmax_usd: true,
  v_ref_usd: false,
  v_t1_usd: false,
  g_usd: false,
  price_t1_usd: false,
  t0_timestamp_seconds: false,
  t1_timestamp_seconds: false,
  residual_usd: false,
  sigma_usd: false,
  k_sigma: false,
  residual_trigger: false,
  withdrawable_usd: true,
  data_age_seconds: true,
  price_usd_by_source: false,
  price_delta_abs: false,
  price_delta_rel: false,
  price_mismatch: false,
  price_compare_unavailable: false,
  rate_usd: true,
  rate_ada: true,
} as const
export type ExposableMetric = keyof typeof EXPOSABLE_METRICS

const exposeShape = Object.fromEntries(Object.entries(EXPOSABLE_METRICS).map(([name, enabled]) => [name, z.boolean().default(enabled)])) as {
  [K in ExposableMetric]: z.ZodDefault<z.ZodBoolean>
}

const runtimeSection = section({
  log_level: lowerEnum(['debug', 'info', 'warn', 'error'] as const)
    .default('info')
    .describe('log level unless --log-level or LOG_LEVEL is given'),
  public_url: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s]+$/i, 'must be an http:// or https:// URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .nullable()
    .default(null)
    .describe('where users reach the dashboard; notifications link to it'),
  auth: section({
    enabled: z.boolean().default(false),
    username: z.string().min(1).nullable().default(null).describe('Basic auth user (with password_hash)'),
    password_hash: z.string().min(1).nullable().default(null).describe('`sha256:<hex>`, bcrypt `$2…` or argon2 `$argon2…`'),
    user_env: z
      .string()
      .trim()
      .min(1)
      .default('WO_BASIC_AUTH_USER')
      .describe('without username + password_hash: environment variables holding a plaintext user and password'),
    pass_env: z.string().trim().min(1).default('WO_BASIC_AUTH_PASS').describe('see user_env'),
    public_view: lowerEnum(['summary', 'none'] as const)
      .default('summary')
      .describe('with auth on, what a logged-out visitor sees: summary (decisions and reasons, no amount or address) or none (a login page)'),
  }),
  schedule: section({
    interval_minutes: greaterThan(0).default(60).describe('minutes between evaluations (the first runs at start)'),
  }),
  telemetry: section({
    enabled: z.boolean().default(true).describe('serve HTTP (metrics, API, dashboard); --no-telemetry overrides'),
    listen_address: nonEmptyString.default('0.0.0.0').describe('HTTP bind address; with auth disabled, only a loopback address allows the sync'),
    listen_port: port.default(9808).describe('HTTP port'),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be an absolute URL path like /metrics')
      .default('/metrics')
      .describe('Prometheus metrics path (GET and HEAD)'),
    metric_prefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must match [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus metric name)')
      .default('wo_')
      .describe('prefix of every metric name'),
    expose: section(exposeShape).describe('per metric: exported or not (see the metrics table)'),
  }),
})

const TIME_UNITS = ['1min', '5min', '15min', '30min', '1h', '6h', '12h', '1d', '3d', '1w'] as const

const visualizationSection = section({
  dashboard: section({
    refresh_seconds: intAtLeast(2).default(30).describe('how often the dashboard panels poll for a new evaluation'),
  }),
  diagnostics: section({
    enabled: z.boolean().default(false).describe("write each evaluation's composite chart per asset into dir"),
    dir: nonEmptyString.default('output/plots').describe('directory of the diagnostic PNGs'),
    hist_samples_per_bin: intAtLeast(1).default(10).describe('residual histogram: bins = clamp(round(n / this), 5, 100)'),
    include_sigma_band: z.boolean().default(true).describe('draw ±σ around the baseline'),
    include_k_sigma_band: z.boolean().default(true).describe('draw ±k·σ around the baseline'),
    lookback_hours_override: greaterThan(0).nullable().default(null).describe("chart window instead of the gate's lookback_hours"),
    plot_range: section({
      mode: lowerEnum(['inherit', 'custom', 'relative'] as const)
        .default('inherit')
        .describe('chart time window: inherit (the evaluation window), custom (start/end), relative (last relative_duration)'),
      start: isoDateTime.nullable().default(null).describe('custom mode: window start (naive = settings.timezone)'),
      end: isoDateTime.nullable().default(null).describe('custom mode: window end; null = now'),
      relative_duration: z
        .string()
        .trim()
        .regex(/^\d+[dhw]$/i, 'must look like 7d, 12h or 2w')
        .nullable()
        .default(null)
        .describe('relative mode: e.g. 7d, 12h, 2w'),
    }),
    aggregation: z
      .strictObject({
        enabled: z.boolean().default(true),
        method: lowerEnum(['whiskers', 'none'] as const).default('whiskers'),
        time_unit: lowerEnum(TIME_UNITS).default('1d'),
        ui_time_units: z.array(lowerEnum(TIME_UNITS)).default(['5min', '15min', '1h', '6h', '1d', '3d', '1w']),
        percentiles: z.array(z.number().gte(0).lte(100)).default([10, 25, 50, 75, 90]),
        show_raw_points: z.boolean().default(false),
      })
      .optional()
      .describe("the predecessor's whisker-plot settings: accepted, not drawn (charts downsample long series instead)"),
  }),
})

const maintenanceSection = section({
  cleanup: section({
    enabled: z.boolean().default(false),
    expire_before: ageOrDate.nullable().default(null).describe('delete files older than this age (`7d`, `48h`) or last modified before this date'),
    paths: z.array(nonEmptyString).default([]).describe('directories (or files) to clean, relative to the working directory'),
    extensions: z
      .array(z.string().trim().toLowerCase().min(1))
      .default(['.png', '.json', '.csv'])
      .transform((list) => list.map((ext) => (ext.startsWith('.') ? ext : `.${ext}`)))
      .describe('file extensions to delete, e.g. .png; a missing leading dot is added'),
    interval_minutes: greaterThan(0).default(60).describe('minutes between cleanups (one runs at start)'),
  }),
})

export const configSchema = z
  .strictObject({
    settings: settingsSection,
    wallets: z
      .array(walletEntry)
      .min(1, 'must be a non-empty list when provided')
      .nullable()
      .default(null)
      .describe('wallets to sync besides those found in the store: `addr1…`, `{address: addr1…}` or `{address_env: NAME}`'),
    domain: section({
      assets: z
        .array(lowerString)
        .min(1, 'must be a non-empty list')
        .default(['djed', 'usdm', 'usdc', 'usdt'])
        .describe('display names of the monitored assets (usdc, usdt map to wanusdc, wanusdt tables)'),
      symbols: lowercaseKeyRecord(identifierText.toLowerCase())
        .default({})
        .describe('table symbol per asset when it differs from the built-in mapping (usdc → wanusdc)'),
    }),
    data: dataSection,
    prices: pricesSection,
    collector: collectorSection,
    analysis: analysisSection,
    runtime: runtimeSection,
    visualization: visualizationSection,
    maintenance: maintenanceSection,
    history: historySection,
    notifications: notificationsSection,
    resolved: z.unknown().optional().describe('written by --print-config-normalized (per-asset effective values); recomputed on load'),
  })
  .superRefine((config, ctx) => crossFieldRules(config, ctx))

type ParsedConfig = z.output<typeof configSchema>

/** Rules that involve several keys; each issue carries the path of the key to change. */
function crossFieldRules(config: ParsedConfig, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  const gate = config.analysis.decision.gate
  const gatePath = ['analysis', 'decision', 'gate']
  const globalOrder = gate.polynomial_order ?? (gate.method === 'polynomial_fit' ? 2 : 1)
  if (gate.min_points < globalOrder + 1)
    issue([...gatePath, 'min_points'], `must be >= polynomial_order + 1 (${globalOrder + 1}), got: ${gate.min_points}`)
  for (const [asset, override] of Object.entries(gate.per_asset)) {
    const order = override.polynomial_order ?? globalOrder
    const minPoints = override.min_points ?? gate.min_points
    if (minPoints < order + 1)
      issue([...gatePath, 'per_asset', asset, 'min_points'], `must be >= polynomial_order + 1 (${order + 1}), got: ${minPoints}`)
  }
  const assets = new Set(config.domain.assets)
  const unknownAsset = (path: (string | number)[], names: Iterable<string>) => {
    for (const name of names) if (!assets.has(name)) issue([...path, name], `'${name}' is not in domain.assets (${[...assets].join(', ')})`)
  }
  unknownAsset([...gatePath, 'per_asset'], Object.keys(gate.per_asset))
  if (gate.assets) unknownAsset([...gatePath, 'assets'], gate.assets)
  unknownAsset(['analysis', 'trend_indicator', 'per_asset'], Object.keys(config.analysis.trend_indicator.per_asset))
  unknownAsset(['analysis', 'price_compare', 'per_asset_overrides'], Object.keys(config.analysis.price_compare.per_asset_overrides))
  if (config.collector.assets) unknownAsset(['collector', 'assets'], config.collector.assets)

  const compare = config.analysis.price_compare
  const compareSources = compare.sources === '@prices.sources' ? config.prices.sources : compare.sources
  if (compare.enabled) {
    if (compareSources.length < 2) issue(['analysis', 'price_compare', 'sources'], 'must name at least two sources when price compare is enabled')
    for (const source of compareSources)
      if (!config.prices.priority_by_logical[source])
        issue(['prices', 'priority_by_logical', source], `no providers for source '${source}' used by analysis.price_compare.sources`)
  }

  const zone = config.settings.timezone
  const range = config.data.date_range
  if (range.start && range.end && instantOf(range.start, zone) >= instantOf(range.end, zone))
    issue(['data', 'date_range', 'start'], `must be before data.date_range.end (${range.start} >= ${range.end})`)

  const auth = config.runtime.auth
  if ((auth.username === null) !== (auth.password_hash === null))
    issue(['runtime', 'auth', auth.username === null ? 'username' : 'password_hash'], 'is required together with the other')
  if (auth.password_hash !== null && !isSupportedPasswordHash(auth.password_hash))
    issue(['runtime', 'auth', 'password_hash'], "must be 'sha256:<64 hex>', a bcrypt hash ($2a$/$2b$/$2y$) or an argon2 hash ($argon2…)")

  const cleanup = config.maintenance.cleanup
  if (cleanup.enabled) {
    if (cleanup.expire_before === null) issue(['maintenance', 'cleanup', 'expire_before'], 'is required when cleanup is enabled')
    if (cleanup.paths.length === 0) issue(['maintenance', 'cleanup', 'paths'], 'must be a non-empty list when cleanup is enabled')
  }
  const plot = config.visualization.diagnostics.plot_range
  if (plot.mode === 'relative' && plot.relative_duration === null)
    issue(['visualization', 'diagnostics', 'plot_range', 'relative_duration'], 'is required when mode is relative')
}

/** `"<redacted>"` is accepted so that the output of --print-config-normalized loads again. */
export const REDACTED = '<redacted>'

export function isSupportedPasswordHash(hash: string): boolean {
  return (
    hash === REDACTED ||
    /^sha256:[0-9a-fA-F]{64}$/.test(hash) ||
    /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash) ||
    /^\$argon2(id|i|d)\$/.test(hash)
  )
}

export type ConfigInput = z.input<typeof configSchema>
export type RawConfig = z.output<typeof configSchema>
