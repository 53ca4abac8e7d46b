/**
 * From the validated tree to the configuration the program runs on: defaults that depend on
 * other keys (the gate's polynomial order and tail), secrets and wallet addresses read from the
 * environment, the date range as UTC instants, and — for every configured asset — the effective
 * per-asset settings and table names. The result is frozen; nothing else computes these.
 */
import type { AssetSettings, GateMethod, GateTail } from '../engine/settings.ts'
import { readNamedVariable, type ConfigProblem, type Environment } from './env.ts'
import { REDACTED, type RawConfig } from './schema.ts'
import { resolveChannels, type ResolvedChannel } from './notifications.ts'
import { instantOf } from './time.ts'

/** Liqwid's wrapped table symbols for display names (spec-data §5.2). */
const BUILT_IN_SYMBOLS: Record<string, string> = { usdc: 'wanusdc', usdt: 'wanusdt' }

export interface AssetTables {
  positions: string
  deposits: string
  withdrawals: string
  /** qualified `<namespace>.<table>` */
  minswap_prices: string
}

export interface ResolvedAsset {
  /** table symbol; confirmed against the database at run time unless set in domain.symbols */
  symbol: string
  symbol_source: 'domain.symbols' | 'built-in' | 'asset name'
  tables: AssetTables
  settings: AssetSettings
}

export interface ResolvedAuth {
  mode: 'disabled' | 'password_hash' | 'environment'
  username: string | null
  /** `password_hash` mode: the hash; `environment` mode: the plaintext password read at startup */
  secret: string | null
}

export interface ResolvedCollector {
  /** payment (`addr1…`) and stake (`stake1…`) addresses */
  wallets: string[]
  /** display names, a subset of domain.assets */
  assets: string[]
  /** read from collector.koios_token_env; redacted when printed */
  koios_token: string | null
}

export interface Resolved {
  store: 'embedded' | 'database'
  date_range: { start: string | null; end: string | null }
  wallets: string[]
  collector: ResolvedCollector
  auth: ResolvedAuth
  price_compare_sources: string[]
  assets: Record<string, ResolvedAsset>
  /** notifications.channels with their secrets read from the environment (redacted when printed) */
  notification_channels: ResolvedChannel[]
}

type Gate = RawConfig['analysis']['decision']['gate']
type FilledGate = Omit<Gate, 'method' | 'polynomial_order' | 'tail'> & {
  method: GateMethod
  polynomial_order: number
  tail: GateTail
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
  // Spelled out to keep the schema's key order in the printed configuration.
  return {
    enabled: gate.enabled,
    basis: gate.basis,
    method,
    polynomial_order,
    k_sigma: gate.k_sigma,
    min_points: gate.min_points,
    exclude_last_for_sigma: gate.exclude_last_for_sigma,
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

type WalletEntry = string | { address?: string | undefined; address_env?: string | undefined }

const PAYMENT_ADDRESS = { pattern: /^(addr1|addr_test1)[0-9a-z]+$/, what: 'a Cardano address starting with addr1 or addr_test1' }
const ANY_ADDRESS = { pattern: /^(addr1|addr_test1|stake1|stake_test1)[0-9a-z]+$/, what: 'a Cardano address (addr1…) or stake address (stake1…)' }

/** Addresses of a wallet list, `address_env` entries read from the environment; duplicates dropped. */
function resolveWallets(
  entries: readonly WalletEntry[] | null,
  path: string,
  accepted: { pattern: RegExp; what: string },
  env: Environment,
  problems: ConfigProblem[],
  secretPaths: string[],
): string[] {
  const addresses: string[] = []
  entries?.forEach((entry, index) => {
    let address: string | undefined
    if (typeof entry === 'string') address = entry
    else if (entry.address_env) {
      const read = readNamedVariable(env, entry.address_env, `${path}[${index}].address_env`)
      if ('message' in read) return void problems.push(read)
      if (!accepted.pattern.test(read.value))
        return void problems.push({ path: `${path}[${index}].address_env`, message: `${entry.address_env} must hold ${accepted.what}` })
      address = read.value
      secretPaths.push(`resolved.${path}[${addresses.length}]`)
    } else if (entry.address) address = entry.address
    else return void problems.push({ path: `${path}[${index}]`, message: "must set 'address' or 'address_env'" })
    if (!addresses.includes(address)) addresses.push(address)
  })
  return addresses
}

/** The collector's wallets (default: the top-level ones), assets (default: domain.assets) and Koios token. */
function resolveCollector(
  values: RawConfig,
  wallets: string[],
  env: Environment,
  problems: ConfigProblem[],
  secretPaths: string[],
): ResolvedCollector {
  const collector = values.collector
  const own = resolveWallets(collector.wallets, 'collector.wallets', ANY_ADDRESS, env, problems, secretPaths)
  // The copied top-level wallets keep their positions, so their secrets keep their indices.
  if (collector.wallets === null)
    for (const path of secretPaths.filter((entry) => entry.startsWith('resolved.wallets[')))
      secretPaths.push(path.replace('resolved.wallets[', 'resolved.collector.wallets['))
  let token: string | null = null
  if (collector.koios_token_env) {
    const read = readNamedVariable(env, collector.koios_token_env, 'collector.koios_token_env')
    if ('message' in read) problems.push(read)
    else token = read.value
  }
  const resolved: ResolvedCollector = {
    wallets: collector.wallets === null ? [...wallets] : own,
    assets: [...new Set(collector.assets ?? values.domain.assets)],
    koios_token: token,
  }
  if (collector.enabled) {
    if (resolved.wallets.length === 0)
      problems.push({ path: 'collector.wallets', message: 'the collector is enabled but has no wallet: list them here or in the top-level wallets' })
    if (!values.prices.endpoints.koios) problems.push({ path: 'prices.endpoints.koios', message: 'is required when collector.enabled is true' })
    if (!values.prices.endpoints.liqwid_graphql)
      problems.push({ path: 'prices.endpoints.liqwid_graphql', message: 'is required when collector.enabled is true' })
  }
  return resolved
}

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

export function resolveConfig(values: RawConfig, env: Environment): ResolveResult {
  const problems: ConfigProblem[] = []
  const warnings: string[] = []
  const secretPaths = ['data.databases.greptime.password', 'runtime.auth.password_hash', 'resolved.auth.secret', 'resolved.collector.koios_token']

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

  const zone = values.settings.timezone
  const toUtc = (text: string | null) => (text === null ? null : new Date(instantOf(text, zone)).toISOString())
  const gate = fillGate(values.analysis.decision.gate)
  const compare = values.analysis.price_compare
  const compareSources = [...new Set(compare.sources === '@prices.sources' ? values.prices.sources : compare.sources)]
  const sources = data.datasets.transactions.sources

  const assets: Record<string, ResolvedAsset> = {}
  for (const asset of values.domain.assets) {
    if (assets[asset]) {
      warnings.push(`domain.assets lists '${asset}' twice; evaluated once`)
      continue
    }
    const explicit = values.domain.symbols[asset]
    const symbol = explicit ?? BUILT_IN_SYMBOLS[asset] ?? asset
    assets[asset] = {
      symbol,
      symbol_source: explicit ? 'domain.symbols' : BUILT_IN_SYMBOLS[asset] ? 'built-in' : 'asset name',
      tables: {
        positions: sources.liqwid.table_asset_prefix + symbol,
        deposits: sources.liqwid.deposits_prefix + symbol,
        withdrawals: sources.liqwid.withdrawals_prefix + symbol,
        minswap_prices: `${sources.minswap.database}.${sources.minswap.table_price_prefix}${symbol}`,
      },
      settings: assetSettings(values, gate, asset, compareSources),
    }
  }
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

  const wallets = resolveWallets(values.wallets, 'wallets', PAYMENT_ADDRESS, env, problems, secretPaths)
  const config: Config = {
    ...values,
    data,
    analysis: {
      ...values.analysis,
      decision: { ...values.analysis.decision, gate },
      price_compare: { ...compare, sources: compareSources },
    },
    resolved: {
      store: connection ? 'database' : 'embedded',
      date_range: { start: toUtc(values.data.date_range.start), end: toUtc(values.data.date_range.end) },
      wallets,
      collector: resolveCollector(values, wallets, env, problems, secretPaths),
      auth: resolveAuth(values, env, warnings),
      price_compare_sources: compareSources,
      assets,
      notification_channels: resolveChannels(values.notifications, env, problems, secretPaths),
    },
  }
  return { config, problems, warnings, secretPaths }
}
