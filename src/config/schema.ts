/**
 * The configuration schema: the v2 key tree of the predecessor (spec-config §2) plus the
 * additions of PRODUCT §3, with every default inside it. Strict at every level: an unknown key is
 * an error with its full path. Cross-field rules live in `superRefine` at the end so that every
 * problem is reported at once.
 *
 * This file is the single source of truth for keys and defaults; README's configuration
 * reference is generated from it (tests/tools/config-reference.ts).
 */
import { z } from 'zod'
import { ALIGNMENT_METHODS } from '../engine/settings.ts'
import {
  aboveUpTo,
  ageOrDate,
  assetName,
  between,
  duration,
  intBetween,
  isoDateTime,
  MAX_DURATION_HOURS,
  parseDurationMs,
  lowerEnum,
  lowerString,
  lowercaseKeyRecord,
  nonEmptyString,
  port,
  section,
} from './fields.ts'
import { historySection, notificationsSection } from './notifications.ts'
import { collectorSection } from './schema-collector.ts'
import { analysisSection } from './schema-analysis.ts'
import { runtimeSection } from './schema-runtime.ts'

export { EXPOSABLE_METRICS, type ExposableMetric } from './schema-runtime.ts'
import { instantOrNull, isValidTimeZone } from './time.ts'

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
  timeout: between(1, 600).default(10).describe('seconds; connect and per-query deadline'),
  dialect: lowerEnum(['auto', 'greptime', 'postgres'] as const)
    .default('auto')
    .describe('SQL dialect for DDL and table listing; auto asks the server'),
  max_connections: intBetween(1, 64)
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
  liqwid_max_price_age_hours: aboveUpTo(0, MAX_DURATION_HOURS)
    .default(24)
    .describe("a live Liqwid price whose asset.priceUpdatedAt is older is stale: left out of the price comparison, and the asset's warnings say so"),
  transaction_sync: section({
    start_date: isoDateTime.nullable().default(null).describe('default start of a transaction sync (else 2023-10-01)'),
    end_date: isoDateTime.nullable().default(null).describe('default end of a transaction sync (else now)'),
  }),
})

const TIME_UNITS = ['1min', '5min', '15min', '30min', '1h', '6h', '12h', '1d', '3d', '1w'] as const

/** The dashboard's replay runs once per evaluation and asset viewed: a few seconds of a worker, not minutes. */
export const MAX_DASHBOARD_REPLAY_INSTANTS = 5000

const visualizationSection = section({
  dashboard: section({
    refresh_seconds: intBetween(2, 3600).default(30).describe('how often the dashboard panels poll for a new evaluation'),
    replay: section({
      enabled: z.boolean().default(true).describe('the Replay view: the rule replayed over the last days, in a worker, once per evaluation'),
      days: intBetween(1, 90).default(14).describe('days the Replay view replays, ending at the evaluation'),
      every_minutes: between(5, 1440).default(60).describe('minutes between replayed instants'),
    }),
  }),
  diagnostics: section({
    enabled: z.boolean().default(false).describe("write each evaluation's composite chart per asset into dir"),
    dir: nonEmptyString.default('output/plots').describe('directory of the diagnostic PNGs'),
    hist_samples_per_bin: intBetween(1, 100_000).default(10).describe('residual histogram: bins = clamp(round(n / this), 5, 100)'),
    include_sigma_band: z.boolean().default(true).describe('draw ±σ around the baseline'),
    include_k_sigma_band: z.boolean().default(true).describe('draw ±k·σ around the baseline'),
    lookback_hours_override: aboveUpTo(0, MAX_DURATION_HOURS).nullable().default(null).describe("chart window instead of the gate's lookback_hours"),
    plot_range: section({
      mode: lowerEnum(['inherit', 'custom', 'relative'] as const)
        .default('inherit')
        .describe('chart time window: inherit (the evaluation window), custom (start/end), relative (last relative_duration)'),
      start: isoDateTime.nullable().default(null).describe('custom mode: window start (naive = settings.timezone)'),
      end: isoDateTime.nullable().default(null).describe('custom mode: window end; null = now'),
      relative_duration: duration
        .refine((text) => (parseDurationMs(text) ?? 0) <= MAX_DURATION_HOURS * 3_600_000, `must be at most ${MAX_DURATION_HOURS}h (ten years)`)
        .nullable()
        .default(null)
        .describe('relative mode: e.g. 7d, 12h, 2w, 90m'),
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
    interval_minutes: between(1, 10_080).default(60).describe('minutes between cleanups (one runs at start)'),
  }),
})

export const configSchema = z
  .strictObject({
    settings: settingsSection,
    wallets: z
      .array(walletEntry)
      .min(1, 'must be a non-empty list when provided')
      .max(1000, 'must list at most 1000 wallets')
      .nullable()
      .default(null)
      .describe('wallets to sync besides those found in the store: `addr1…`, `{address: addr1…}` or `{address_env: NAME}`'),
    domain: section({
      assets: z
        .array(assetName)
        .min(1, 'must be a non-empty list')
        .max(64, 'must list at most 64 assets')
        .default(['djed', 'usdm', 'usdc', 'usdt'])
        .describe('display names of the monitored assets (usdc, usdt map to wanusdc, wanusdt tables)'),
      symbols: lowercaseKeyRecord(identifierText.toLowerCase(), assetName)
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
  // The rules above run even when a field failed its own check: compare only dates that parsed.
  const start = range.start === null ? null : instantOrNull(range.start, zone)
  const end = range.end === null ? null : instantOrNull(range.end, zone)
  if (start !== null && end !== null && start >= end)
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
  const replay = config.visualization.dashboard.replay
  if ((replay.days * 1440) / replay.every_minutes > MAX_DASHBOARD_REPLAY_INSTANTS)
    issue(
      ['visualization', 'dashboard', 'replay', 'every_minutes'],
      `gives ${Math.ceil((replay.days * 1440) / replay.every_minutes)} instants over ${replay.days} days; at most ${MAX_DASHBOARD_REPLAY_INSTANTS} (raise every_minutes or lower days)`,
    )
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
