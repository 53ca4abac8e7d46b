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
import { instantOf, isValidTimeZone } from './time.ts'

const identifierText = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must contain only letters, digits and _ (it becomes part of a SQL identifier)')

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
  /** IANA zone in which naive `data.date_range` values are read */
  timezone: z.string().trim().refine(isValidTimeZone, 'is not a valid IANA time zone').default('Asia/Tokyo'),
  /** quote currency for the Minswap aggregator */
  currency: lowerString.default('usd'),
})

const greptimeConnection = z.strictObject({
  /** host name or address; `http://host` is accepted and its scheme ignored */
  host: nonEmptyString.default('localhost'),
  /** GreptimeDB's PostgreSQL wire port (4003), or PostgreSQL's 5432 */
  port: port.default(4003),
  database: nonEmptyString.default('liqwid'),
  user: nonEmptyString.default('greptime'),
  password: z.string().nullable().default(null),
  /** name of an environment variable holding the password (wins over `password`) */
  password_env: z.string().trim().min(1).nullable().default(null),
  /** seconds; connect and per-query deadline */
  timeout: greaterThan(0).default(10),
  dialect: lowerEnum(['auto', 'greptime', 'postgres'] as const).default('auto'),
  /** connections kept open to the database */
  max_connections: intAtLeast(1).default(4),
})

const liqwidTables = section({
  table_asset_prefix: identifierText.default('liqwid_supply_positions_'),
  deposits_prefix: identifierText.default('liqwid_deposits_'),
  withdrawals_prefix: identifierText.default('liqwid_withdrawals_'),
})

const minswapTables = section({
  /** GreptimeDB database (PostgreSQL schema) holding the Minswap price tables */
  database: identifierText.default('minswap'),
  table_price_prefix: identifierText.default('minswap_prices_'),
})

const dataSection = section({
  databases: section({
    /** absent: the embedded store (data.embedded) is used */
    greptime: greptimeConnection.optional(),
  }),
  embedded: section({
    dir: nonEmptyString.default('./data'),
    /** `demo`: fill an empty embedded store with the synthetic demo market */
    seed: lowerEnum(['demo'] as const).nullable().default(null),
  }),
  datasets: section({
    transactions: section({
      alignment_method: lowerEnum(ALIGNMENT_METHODS).default('none'),
      /** which instant places a transaction on the timebase */
      timestamp_source: lowerEnum(['timestamp', 'created_at'] as const).default('timestamp'),
      sources: section({ liqwid: liqwidTables, minswap: minswapTables }),
    }),
  }),
  date_range: section({
    start: isoDateTime.nullable().default(null),
    end: isoDateTime.nullable().default(null),
  }),
})

const DEFAULT_PRIORITY = { liqwid: ['greptime(liqwid)', 'liqwid'], minswap: ['greptime(minswap)', 'minswap'] }
const PROVIDER = /^(greptime\(liqwid\)|greptime\(minswap\)|liqwid|minswap)$/

const providerName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(PROVIDER, 'must be greptime(liqwid), greptime(minswap), liqwid or minswap')

/** null turns the live provider (and, for Liqwid, the transaction sync) off */
const endpointUrl = (defaultUrl: string | null) =>
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable().default(defaultUrl)

const pricesSection = section({
  /** logical price sources, in priority order for the decision price */
  sources: z.array(lowerString).min(1, 'must be a non-empty list').default(['liqwid', 'minswap']),
  priority_by_logical: lowercaseKeyRecord(z.array(providerName).min(1, 'must be a non-empty list')).default(
    DEFAULT_PRIORITY,
  ),
  duty_cycle_threshold: z.number().gt(0, 'must be in (0,1]').lte(1, 'must be in (0,1]').default(0.9),
  endpoints: section({
    liqwid_graphql: endpointUrl('https://v2.api.liqwid.finance/graphql'),
    minswap_aggregator: endpointUrl('https://agg-api.minswap.org'),
    /** accepted for compatibility; never called */
    koios: endpointUrl(null),
  }),
  transaction_sync: section({
    start_date: isoDateTime.nullable().default(null),
    end_date: isoDateTime.nullable().default(null),
  }),
})

const trendOverride = z.strictObject({
  method: lowerEnum(TREND_METHODS).optional(),
  window_type: lowerEnum(TREND_WINDOW_TYPES).optional(),
  window_size_hours: greaterThan(0).optional(),
  polynomial_order: intAtLeast(1).optional(),
  gaussian_kde_sigma_fraction: greaterThan(0).optional(),
})

const trendSection = section({
  enabled: z.boolean().default(true),
  method: lowerEnum(TREND_METHODS).default('polynomial_fit'),
  polynomial_order: intAtLeast(1).default(2),
  window_size_hours: greaterThan(0).default(24),
  window_type: lowerEnum(TREND_WINDOW_TYPES).default('polynomial'),
  gaussian_kde_sigma_fraction: greaterThan(0).default(0.3),
  per_asset: lowercaseKeyRecord(trendOverride).default({}),
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
  enabled: z.boolean().default(false),
  basis: lowerEnum(GATE_BASES).default('corrected_position'),
  method: lowerEnum(GATE_METHODS).optional(),
  polynomial_order: intAtLeast(1).optional(),
  k_sigma: greaterThan(0).default(2),
  min_points: intAtLeast(2).default(20),
  exclude_last_for_sigma: z.boolean().default(true),
  lookback_hours: greaterThan(0).nullable().default(null),
  sigma_epsilon: greaterThan(0).default(1e-6),
  threshold_mode: lowerEnum(THRESHOLD_MODES).default('stddev'),
  central_confidence: z.number().gt(0, 'must be in (0,1)').lt(1, 'must be in (0,1)').default(0.68),
  on_trigger: lowerEnum(GATE_ON_TRIGGER).default('hold'),
  tail: lowerEnum(GATE_TAILS).optional(),
  /** assets the gate applies to; null = all configured assets */
  assets: z.array(lowerString).nullable().default(null),
  apply_in_fallback: z.boolean().default(false),
  per_asset: lowercaseKeyRecord(gateOverride).default({}),
})

const priceCompareOverride = z.strictObject({
  epsilon_mode: lowerEnum(EPSILON_MODES).optional(),
  tolerance_epsilon: atLeast(0).optional(),
})

const analysisSection = section({
  trend_indicator: trendSection,
  decision: section({
    reference: section({
      keyword: nonEmptyString.default('alert_driven_withdrawal'),
      fallback: lowerEnum(REFERENCE_FALLBACKS).default('null'),
      /** accepted for compatibility with the predecessor's files; has no effect */
      plot_fallback: z.string().nullable().optional(),
    }),
    safety_factor: section({
      c: z.number().gte(0, 'must be in [0,1]').lte(1, 'must be in [0,1]').default(0.5),
    }),
    gate: gateSection,
  }),
  price_compare: section({
    enabled: z.boolean().default(false),
    /** a list of logical sources, or "@prices.sources" */
    sources: z.union([z.literal('@prices.sources'), z.array(lowerString)]).default('@prices.sources'),
    epsilon_mode: lowerEnum(EPSILON_MODES).default('relative'),
    tolerance_epsilon: atLeast(0).default(0.01),
    persistence_threshold: intAtLeast(1).default(1),
    action_on_mismatch: lowerEnum(MISMATCH_ACTIONS).default('hold'),
    per_asset_overrides: lowercaseKeyRecord(priceCompareOverride).default({}),
    /** Minswap aggregator deadline, seconds */
    request_timeout_seconds: greaterThan(0).default(5),
    retries: intAtLeast(0).default(1),
    currency: lowerString.default('usd'),
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
  price_usd_by_source: false,
  price_delta_abs: false,
  price_delta_rel: false,
  price_mismatch: false,
  price_compare_unavailable: false,
  rate_usd: true,
  rate_ada: true,
} as const
export type ExposableMetric = keyof typeof EXPOSABLE_METRICS

const exposeShape = Object.fromEntries(
  Object.entries(EXPOSABLE_METRICS).map(([name, enabled]) => [name, z.boolean().default(enabled)]),
) as { [K in ExposableMetric]: z.ZodDefault<z.ZodBoolean> }

const runtimeSection = section({
  log_level: lowerEnum(['debug', 'info', 'warn', 'error'] as const).default('info'),
  auth: section({
    enabled: z.boolean().default(false),
    username: z.string().min(1).nullable().default(null),
    /** `sha256:<hex>`, bcrypt `$2…` or argon2 `$argon2…` */
    password_hash: z.string().min(1).nullable().default(null),
    /** without username + password_hash: environment variables holding a plaintext user and password */
    user_env: z.string().trim().min(1).default('WO_BASIC_AUTH_USER'),
    pass_env: z.string().trim().min(1).default('WO_BASIC_AUTH_PASS'),
  }),
  schedule: section({
    interval_minutes: greaterThan(0).default(60),
  }),
  telemetry: section({
    enabled: z.boolean().default(true),
    listen_address: nonEmptyString.default('0.0.0.0'),
    listen_port: port.default(9808),
    path: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be an absolute URL path like /metrics').default('/metrics'),
    metric_prefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must match [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus metric name)')
      .default('wo_'),
    expose: section(exposeShape),
  }),
})

const TIME_UNITS = ['1min', '5min', '15min', '30min', '1h', '6h', '12h', '1d', '3d', '1w'] as const

const visualizationSection = section({
  dashboard: section({
    /** how often the dashboard panels poll for a new evaluation */
    refresh_seconds: intAtLeast(2).default(30),
  }),
  diagnostics: section({
    enabled: z.boolean().default(false),
    dir: nonEmptyString.default('output/plots'),
    hist_samples_per_bin: intAtLeast(1).default(10),
    include_sigma_band: z.boolean().default(true),
    include_k_sigma_band: z.boolean().default(true),
    /** chart window instead of the gate's lookback_hours */
    lookback_hours_override: greaterThan(0).nullable().default(null),
    plot_range: section({
      mode: lowerEnum(['inherit', 'custom', 'relative'] as const).default('inherit'),
      start: isoDateTime.nullable().default(null),
      end: isoDateTime.nullable().default(null),
      relative_duration: z
        .string()
        .trim()
        .regex(/^\d+[dhw]$/i, 'must look like 7d, 12h or 2w')
        .nullable()
        .default(null),
    }),
    aggregation: section({
      enabled: z.boolean().default(true),
      method: lowerEnum(['whiskers', 'none'] as const).default('whiskers'),
      time_unit: lowerEnum(TIME_UNITS).default('1d'),
      ui_time_units: z.array(lowerEnum(TIME_UNITS)).default(['5min', '15min', '1h', '6h', '1d', '3d', '1w']),
      percentiles: z.array(z.number().gte(0).lte(100)).default([10, 25, 50, 75, 90]),
      show_raw_points: z.boolean().default(false),
    }),
  }),
})

const maintenanceSection = section({
  cleanup: section({
    enabled: z.boolean().default(false),
    /** delete files older than this age (`7d`, `48h`) or last modified before this date */
    expire_before: ageOrDate.nullable().default(null),
    /** directories (or files) to clean, relative to the working directory */
    paths: z.array(nonEmptyString).default([]),
    /** file extensions to delete, e.g. .png; a missing leading dot is added */
    extensions: z
      .array(z.string().trim().toLowerCase().min(1))
      .default(['.png', '.json', '.csv'])
      .transform((list) => list.map((ext) => (ext.startsWith('.') ? ext : `.${ext}`))),
    interval_minutes: greaterThan(0).default(60),
  }),
})

export const configSchema = z
  .strictObject({
    settings: settingsSection,
    wallets: z.array(walletEntry).min(1, 'must be a non-empty list when provided').nullable().default(null),
    domain: section({
      assets: z.array(lowerString).min(1, 'must be a non-empty list').default(['djed', 'usdm', 'usdc', 'usdt']),
      /** table symbol per asset when it differs from the built-in mapping (usdc → wanusdc) */
      symbols: lowercaseKeyRecord(identifierText.toLowerCase()).default({}),
    }),
    data: dataSection,
    prices: pricesSection,
    analysis: analysisSection,
    runtime: runtimeSection,
    visualization: visualizationSection,
    maintenance: maintenanceSection,
    /** written by --print-config-normalized (per-asset effective values); recomputed on load */
    resolved: z.unknown().optional(),
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
    for (const name of names)
      if (!assets.has(name)) issue([...path, name], `'${name}' is not in domain.assets (${[...assets].join(', ')})`)
  }
  unknownAsset([...gatePath, 'per_asset'], Object.keys(gate.per_asset))
  if (gate.assets) unknownAsset([...gatePath, 'assets'], gate.assets)
  unknownAsset(['analysis', 'trend_indicator', 'per_asset'], Object.keys(config.analysis.trend_indicator.per_asset))
  unknownAsset(['analysis', 'price_compare', 'per_asset_overrides'], Object.keys(config.analysis.price_compare.per_asset_overrides))

  const compare = config.analysis.price_compare
  const compareSources = compare.sources === '@prices.sources' ? config.prices.sources : compare.sources
  if (compare.enabled) {
    if (compareSources.length < 2)
      issue(['analysis', 'price_compare', 'sources'], 'must name at least two sources when price compare is enabled')
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
