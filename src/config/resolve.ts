/**
 * From the validated tree to the configuration the program runs on, computed once here and read
 * as typed values everywhere else (nothing downstream parses config text again): defaults that
 * depend on other keys (the gate's polynomial order and tail), secrets and wallet addresses read
 * from the environment, every instant and duration in milliseconds (date range, plot range,
 * cleanup cutoff; naive times read in `settings.timezone`), the table-name prefixes, and — for
 * every configured asset — its table symbol and effective settings. The result is frozen.
 */
import { type AssetSettings, GATE_DEFAULTS_BY_ON_TRIGGER, type GateMethod, type GateSigmaEstimator, type GateTail } from '../engine/settings.ts'
import { readNamedVariable, type ConfigProblem, type Environment } from './env.ts'
import { parseDurationMs } from './fields.ts'
import { REDACTED, type RawConfig } from './schema.ts'
import { resolveChannels, type ResolvedChannel } from './notifications.ts'
import { builtInSymbol, wrappedSymbol } from './symbols.ts'
import { PAYMENT_ADDRESS, type ResolvedCollector, resolveCollector, resolveWallets } from './wallets.ts'
import { instantOf } from './time.ts'

export interface ResolvedAsset {
  /** table symbol; confirmed against the database at run time unless set in domain.symbols */
  symbol: string
  symbol_source: 'domain.symbols' | 'built-in' | 'asset name'
  settings: AssetSettings
}

/** The table-name prefixes and the Minswap namespace (the store composes `<prefix><symbol>`). */
export interface ResolvedTableNames {
  positionsPrefix: string
  depositsPrefix: string
  withdrawalsPrefix: string
  minswapNamespace: string
  minswapPrefix: string
}

/** `visualization.diagnostics.plot_range` in milliseconds. */
export type ResolvedPlotRange =
  | { mode: 'inherit' }
  | { mode: 'custom'; start: number | null; end: number | null }
  | { mode: 'relative'; duration_ms: number }

/** `maintenance.cleanup.expire_before`: an age (relative to each run) or a fixed instant. */
export type ResolvedExpiry = { kind: 'age'; age_ms: number } | { kind: 'instant'; before: number }

export interface ResolvedAuth {
  mode: 'disabled' | 'password_hash' | 'environment'
  username: string | null
  /** `password_hash` mode: the hash; `environment` mode: the plaintext password read at startup */
  secret: string | null
}

export interface Resolved {
  store: 'embedded' | 'database'
  /** `data.date_range` as UTC instants (ms), naive values read in `settings.timezone` */
  date_range: { start: number | null; end: number | null }
  wallets: string[]
  collector: ResolvedCollector
  auth: ResolvedAuth
  price_compare_sources: string[]
  table_names: ResolvedTableNames
  plot_range: ResolvedPlotRange
  /** null: nothing expires (cleanup deletes nothing) */
  cleanup_expiry: ResolvedExpiry | null
  /** the provider of the USD rate series and the change-rate gate (spec-data §4.1.3) */
  rate_provider: string
  assets: Record<string, ResolvedAsset>
  /** notifications.channels with their secrets read from the environment (redacted when printed) */
  notification_channels: ResolvedChannel[]
}

type Gate = RawConfig['analysis']['decision']['gate']
type FilledGate = Omit<Gate, 'method' | 'polynomial_order' | 'tail' | 'k_sigma' | 'holdout' | 'holdout_minutes' | 'sigma'> & {
  method: GateMethod
  polynomial_order: number
  k_sigma: number
  holdout: number
  holdout_minutes: number | null
  sigma: GateSigmaEstimator
  tail: GateTail
}

type Holdout = Pick<FilledGate, 'holdout' | 'holdout_minutes'>

/**
 * `holdout_minutes`, when set, wins over `holdout` (so the printed configuration, which has both,
 * loads back the same); a `holdout` count written without `holdout_minutes` clears an inherited one.
 */
function holdoutOf(written: { holdout?: number; holdout_minutes?: number | null }, inherited: Holdout): Holdout {
  if (written.holdout_minutes != null) return { holdout: written.holdout ?? inherited.holdout, holdout_minutes: written.holdout_minutes }
  if (written.holdout !== undefined) return { holdout: written.holdout, holdout_minutes: null }
  if (written.holdout_minutes === null) return { holdout: inherited.holdout, holdout_minutes: null }
  return { holdout: inherited.holdout, holdout_minutes: inherited.holdout_minutes }
}

/** The running configuration: the schema's output with every default filled, plus `resolved`. */
export type Config = Omit<RawConfig, 'analysis' | 'resolved'> & {
  analysis: Omit<RawConfig['analysis'], 'decision'> & {
    decision: Omit<RawConfig['analysis']['decision'], 'gate'> & { gate: FilledGate }
  }
  resolved: Resolved
}

export interface ResolveResult {
  config: Config
  problems: ConfigProblem[]
  warnings: string[]
  /** dotted paths whose printed value must be redacted */
  secretPaths: string[]
}

function fillGate(gate: Gate): FilledGate {
  const method = gate.method ?? 'polynomial_fit'
  // The predecessor's rule: writing `method: polynomial_fit` implies order 2, omitting it order 1.
  const polynomial_order = gate.polynomial_order ?? (gate.method === 'polynomial_fit' ? 2 : 1)
  const tail = gate.tail ?? (gate.on_trigger === 'hold' ? 'both' : 'upper')
  const defaults = GATE_DEFAULTS_BY_ON_TRIGGER[gate.on_trigger]
  const holdout = holdoutOf(gate, defaults)
  // Spelled out to keep the schema's key order in the printed configuration.
  return {
    enabled: gate.enabled,
    basis: gate.basis,
    method,
    polynomial_order,
    k_sigma: gate.k_sigma ?? defaults.k_sigma,
    min_points: gate.min_points,
    exclude_last_for_sigma: gate.exclude_last_for_sigma,
    holdout: holdout.holdout,
    holdout_minutes: holdout.holdout_minutes,
    sigma: gate.sigma ?? defaults.sigma,
    lookback_hours: gate.lookback_hours,
    sigma_epsilon: gate.sigma_epsilon,
    threshold_mode: gate.threshold_mode,
    central_confidence: gate.central_confidence,
    on_trigger: gate.on_trigger,
    tail,
    assets: gate.assets,
    apply_in_fallback: gate.apply_in_fallback,
    per_asset: gate.per_asset,
  }
}

function assetSettings(values: RawConfig, gate: FilledGate, asset: string, compareSources: string[]): AssetSettings {
  const gateOverride = gate.per_asset[asset] ?? {}
  const trend = values.analysis.trend_indicator
  const trendOverride = trend.per_asset[asset] ?? {}
  const compare = values.analysis.price_compare
  const compareOverride = compare.per_asset_overrides[asset] ?? {}
  const transactions = values.data.datasets.transactions
  return {
    alignment_method: transactions.alignment_method,
    tx_timestamp_source: transactions.timestamp_source,
    reference: { keyword: values.analysis.decision.reference.keyword, fallback: values.analysis.decision.reference.fallback },
    safety_factor: values.analysis.decision.safety_factor.c,
    gate: {
      enabled: gate.enabled && (gate.assets === null || gate.assets.includes(asset)),
      basis: gate.basis,
      method: gateOverride.method ?? gate.method,
      polynomial_order: gateOverride.polynomial_order ?? gate.polynomial_order,
      k_sigma: gateOverride.k_sigma ?? gate.k_sigma,
      min_points: gateOverride.min_points ?? gate.min_points,
      exclude_last_for_sigma: gate.exclude_last_for_sigma,
      ...holdoutOf(gateOverride, gate),
      sigma: gateOverride.sigma ?? gate.sigma,
      lookback_hours: gateOverride.lookback_hours === undefined ? gate.lookback_hours : gateOverride.lookback_hours,
      sigma_epsilon: gate.sigma_epsilon,
      threshold_mode: gateOverride.threshold_mode ?? gate.threshold_mode,
      central_confidence: gateOverride.central_confidence ?? gate.central_confidence,
      on_trigger: gate.on_trigger,
      tail: gate.tail,
      apply_in_fallback: gate.apply_in_fallback,
    },
    price_compare: {
      enabled: compare.enabled,
      sources: compareSources,
      epsilon_mode: compareOverride.epsilon_mode ?? compare.epsilon_mode,
      tolerance_epsilon: compareOverride.tolerance_epsilon ?? compare.tolerance_epsilon,
      persistence_threshold: compare.persistence_threshold,
      action_on_mismatch: compare.action_on_mismatch,
    },
    trend: {
      enabled: trend.enabled,
      method: trendOverride.method ?? trend.method,
      polynomial_order: trendOverride.polynomial_order ?? trend.polynomial_order,
      window_size_hours: trendOverride.window_size_hours ?? trend.window_size_hours,
      window_type: trendOverride.window_type ?? trend.window_type,
      gaussian_kde_sigma_fraction: trendOverride.gaussian_kde_sigma_fraction ?? trend.gaussian_kde_sigma_fraction,
    },
  }
}

/** One wallet entry's address: literal, or read from its variable; a problem otherwise. */
function resolveAuth(values: RawConfig, env: Environment, warnings: string[]): ResolvedAuth {
  const auth = values.runtime.auth
  if (!auth.enabled) return { mode: 'disabled', username: null, secret: null }
  if (auth.username !== null && auth.password_hash !== null) {
    if (auth.password_hash === REDACTED)
      warnings.push('runtime.auth.password_hash is "<redacted>" (a copy of printed config?): every login will be refused')
    return { mode: 'password_hash', username: auth.username, secret: auth.password_hash }
  }
  // The predecessor read these per request, so its files load without them; we read them once and,
  // when one is missing, keep the service running with every protected route refusing access.
  const user = readNamedVariable(env, auth.user_env, 'runtime.auth.user_env')
  const pass = readNamedVariable(env, auth.pass_env, 'runtime.auth.pass_env')
  for (const read of [user, pass]) if ('message' in read) warnings.push(`${read.path}: ${read.message}; protected routes will refuse every request`)
  if ('message' in user || 'message' in pass) return { mode: 'environment', username: null, secret: null }
  return { mode: 'environment', username: user.value, secret: pass.value }
}

/**
 * The provider of the rate series (spec-data §4.1.3): the first `greptime(…)` entry of the priority
 * lists, logical sources first, else greptime(liqwid).
 */
function rateProvider(prices: RawConfig['prices']): string {
  const priority = prices.priority_by_logical
  const keys = [...prices.sources, ...Object.keys(priority).filter((key) => !prices.sources.includes(key))]
  return keys.flatMap((key) => priority[key] ?? []).find((provider) => provider.startsWith('greptime(')) ?? 'greptime(liqwid)'
}

/** The database connection with its password read from the environment and its host bare. */
function resolveData(values: RawConfig, env: Environment, problems: ConfigProblem[], warnings: string[]): RawConfig['data'] {
  const data = structuredClone(values.data)
  const connection = data.databases.greptime
  if (connection?.password_env) {
    const read = readNamedVariable(env, connection.password_env, 'data.databases.greptime.password_env')
    if ('message' in read) problems.push(read)
    else connection.password = read.value
  }
  if (connection) connection.host = connection.host.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '')
  if (connection?.password === REDACTED)
    warnings.push('data.databases.greptime.password is "<redacted>" (a copy of printed config?): set the real password or password_env')
  return data
}

function resolveAssets(values: RawConfig, gate: FilledGate, compareSources: string[], warnings: string[]): Record<string, ResolvedAsset> {
  const assets: Record<string, ResolvedAsset> = {}
  for (const asset of values.domain.assets) {
    if (assets[asset]) {
      warnings.push(`domain.assets lists '${asset}' twice; evaluated once`)
      continue
    }
    const explicit = values.domain.symbols[asset]
    assets[asset] = {
      symbol: explicit ?? builtInSymbol(asset),
      symbol_source: explicit ? 'domain.symbols' : wrappedSymbol(asset) !== null ? 'built-in' : 'asset name',
      settings: assetSettings(values, gate, asset, compareSources),
    }
  }
  return assets
}

function tableNames(data: RawConfig['data']): ResolvedTableNames {
  const { liqwid, minswap } = data.datasets.transactions.sources
  return {
    positionsPrefix: liqwid.table_asset_prefix,
    depositsPrefix: liqwid.deposits_prefix,
    withdrawalsPrefix: liqwid.withdrawals_prefix,
    minswapNamespace: minswap.database,
    minswapPrefix: minswap.table_price_prefix,
  }
}

/** Every config instant and duration in ms, naive date-times read in `settings.timezone`. */
function resolveTimes(values: RawConfig) {
  const zone = values.settings.timezone
  const instant = (text: string | null) => (text === null ? null : instantOf(text, zone))
  const plot = values.visualization.diagnostics.plot_range
  const plotRange: ResolvedPlotRange =
    plot.mode === 'custom'
      ? { mode: 'custom', start: instant(plot.start), end: instant(plot.end) }
      : plot.mode === 'relative' && plot.relative_duration !== null
        ? { mode: 'relative', duration_ms: parseDurationMs(plot.relative_duration)! }
        : { mode: 'inherit' }
  const expireBefore = values.maintenance.cleanup.expire_before
  const age = expireBefore === null ? null : parseDurationMs(expireBefore)
  const expiry: ResolvedExpiry | null =
    expireBefore === null ? null : age !== null ? { kind: 'age', age_ms: age } : { kind: 'instant', before: instant(expireBefore)! }
  return { dateRange: { start: instant(values.data.date_range.start), end: instant(values.data.date_range.end) }, plotRange, expiry }
}

/** Settings accepted for compatibility that change nothing, or that cannot work as written. */
function compatibilityWarnings(values: RawConfig): string[] {
  const warnings: string[] = []
  const endpoints = values.prices.endpoints
  for (const [logical, providers] of Object.entries(values.prices.priority_by_logical)) {
    if (providers.includes('liqwid') && !endpoints.liqwid_graphql)
      warnings.push(`prices.priority_by_logical.${logical} lists 'liqwid' but prices.endpoints.liqwid_graphql is not set: that provider is off`)
    if (providers.includes('minswap') && !endpoints.minswap_aggregator)
      warnings.push(`prices.priority_by_logical.${logical} lists 'minswap' but prices.endpoints.minswap_aggregator is not set: that provider is off`)
  }
  if (values.visualization.diagnostics.aggregation !== undefined)
    warnings.push('visualization.diagnostics.aggregation has no effect: charts are downsampled for drawing, not aggregated into whiskers')
  if (values.analysis.decision.reference.plot_fallback !== undefined)
    warnings.push('analysis.decision.reference.plot_fallback has no effect (the predecessor never read it either)')
  return warnings
}

export function resolveConfig(values: RawConfig, env: Environment): ResolveResult {
  const problems: ConfigProblem[] = []
  const warnings: string[] = []
  const secretPaths = ['data.databases.greptime.password', 'runtime.auth.password_hash', 'resolved.auth.secret', 'resolved.collector.koios_token']
  const data = resolveData(values, env, problems, warnings)
  const gate = fillGate(values.analysis.decision.gate)
  const compare = values.analysis.price_compare
  const compareSources = [...new Set(compare.sources === '@prices.sources' ? values.prices.sources : compare.sources)]
  const assets = resolveAssets(values, gate, compareSources, warnings)
  warnings.push(...compatibilityWarnings(values))
  const times = resolveTimes(values)
  const wallets = resolveWallets(values.wallets, 'wallets', PAYMENT_ADDRESS, env, problems, secretPaths)
  const config: Config = {
    ...values,
    data,
    analysis: { ...values.analysis, decision: { ...values.analysis.decision, gate }, price_compare: { ...compare, sources: compareSources } },
    resolved: {
      store: data.databases.greptime ? 'database' : 'embedded',
      date_range: times.dateRange,
      wallets,
      collector: resolveCollector(values, wallets, env, problems, secretPaths),
      auth: resolveAuth(values, env, warnings),
      price_compare_sources: compareSources,
      table_names: tableNames(data),
      plot_range: times.plotRange,
      cleanup_expiry: times.expiry,
      rate_provider: rateProvider(values.prices),
      assets,
      notification_channels: resolveChannels(values.notifications, env, problems, secretPaths),
    },
  }
  return { config, problems, warnings, secretPaths }
}
