/**
 * One evaluation of every configured asset: fetch through the store (a fixed handful of queries
 * per asset, assets concurrently), run the pure engine, return one result value. `--once` and the
 * scheduler both call `evaluate`; the web layer only ever reads its result.
 *
 * Per asset, two rounds of reads:
 *   1. the transactions of the configured data range (they hold the reference withdrawal);
 *   2. with t0 known: the aggregate series of [t0 − 1 day, now] (v_ref is the sample nearest t0,
 *      and the window's samples), each wallet's first two and last samples in [t0, now] (all the
 *      final gain needs, see engine/wmax.ts), the Minswap series of the window (ADA rate, the
 *      change-rate gate's provider), the prices of every logical source (price compare) and, in
 *      keyword mode, the live decision-time price (price_t1; never a cached store price).
 * An asset's failure (unresolvable name, missing table, database error) is that asset's ERROR
 * with its reason; the other assets are unaffected.
 */
import type { Config } from './config/resolve.ts'
import { type AssetDecision, applyPriceComparison, decideAsset, errorDecision } from './engine/decision.ts'
import { evaluationWindow, latestTaggedWithdrawal, resolveReference, type ReferenceResult } from './engine/reference.ts'
import { dutyCycle, priceSeries, usdSeries } from './engine/series.ts'
import type { AssetSettings } from './engine/settings.ts'
import type { AggregateSeries, EpochMs, Series, Transaction } from './engine/types.ts'
import type { WalletSamples } from './engine/wmax.ts'
import { describeError } from './errors.ts'
import { log } from './log.ts'
import type { AssetPrices, PriceAttempt, PriceSources } from './sources/prices.ts'
import type { StoreReader } from './store/reader.ts'
import type { MinswapSeries, TimeRange } from './store/types.ts'

/** How far before t0 the aggregate is read to find the sample nearest t0 (samples are minutes apart). */
const V_REF_MARGIN_MS = 24 * 3_600_000
/**
 * price_t1 is an annotation from the live APIs: an unreachable API (retries, backoff) must not
 * hold the evaluation back for longer than this.
 */
const DECISION_PRICE_DEADLINE_MS = 5_000
/** Without a reference the charts still show the recent raw positions. */
const NO_REFERENCE_CHART_MS = 7 * 24 * 3_600_000

export interface EvaluationDeps {
  readonly reader: StoreReader
  readonly prices: PriceSources
  /** consecutive price mismatches per asset: state carried from one evaluation to the next */
  readonly mismatchStreaks: Map<string, number>
  readonly signal?: AbortSignal
}

/** What the dashboard views draw, all over the evaluation window. */
export interface AssetChartData {
  readonly window: { readonly start: EpochMs; readonly end: EpochMs } | null
  /** raw USD positions, summed over wallets */
  readonly positions: Series
  /** price_usd of the positions table */
  readonly prices: Series
  /** Minswap price_usd / ada_usd */
  readonly adaRate: Series
  readonly minswapPrices: Series
}

export interface AssetEvaluation {
  readonly asset: string
  /** the table symbol, null when it could not be resolved */
  readonly symbol: string | null
  /** the table symbol when it differs from the asset name, else '' (the metrics label) */
  readonly alternateName: string
  readonly decision: AssetDecision
  /** problems that did not stop the asset: skipped rows, transactions without a price */
  readonly warnings: readonly string[]
  readonly prices: AssetPrices | null
  /** latest USD rate of the default Greptime provider */
  readonly rateUsd: { readonly source: string; readonly value: number } | null
  /** latest Minswap price_usd / ada_usd */
  readonly rateAda: number | null
  readonly charts: AssetChartData
  readonly timings: { readonly fetchMs: number; readonly engineMs: number }
}

export interface EvaluationResult {
  /** the evaluation instant ("now" of the engine) */
  readonly at: EpochMs
  readonly durationMs: number
  readonly assets: readonly AssetEvaluation[]
  /** at least one asset is ERROR */
  readonly hasErrors: boolean
}

const EMPTY: Series = { ts: [], values: [] }
const EMPTY_CHARTS: AssetChartData = { window: null, positions: EMPTY, prices: EMPTY, adaRate: EMPTY, minswapPrices: EMPTY }

export async function evaluate(config: Config, deps: EvaluationDeps, now: EpochMs): Promise<EvaluationResult> {
  const started = performance.now()
  const assets = await Promise.all(Object.keys(config.resolved.assets).map((asset) => evaluateAsset(config, deps, asset, now)))
  const result: EvaluationResult = {
    at: now,
    durationMs: performance.now() - started,
    assets,
    hasErrors: assets.some((entry) => entry.decision.decision === -1),
  }
  return result
}

async function evaluateAsset(config: Config, deps: EvaluationDeps, asset: string, now: EpochMs): Promise<AssetEvaluation> {
  const resolved = config.resolved.assets[asset]!
  const warnings: string[] = []
  const fetchStarted = performance.now()
  let symbol: string | null = null
  try {
    symbol = resolved.symbol_source === 'domain.symbols' ? resolved.symbol : (await deps.reader.resolveSymbol(asset)).symbol
    const gathered = await gather(config, deps, resolved.settings, symbol, asset, now, warnings)
    const fetchMs = performance.now() - fetchStarted
    const engineStarted = performance.now()
    let decision = decideAsset({
      asset,
      now,
      settings: resolved.settings,
      reference: gathered.reference,
      series: gathered.series,
      transactions: gathered.transactions,
      wallets: gathered.wallets,
      gatePrices: gathered.gatePrices,
      priceT1Usd: gathered.priceT1Usd,
    })
    if (decision.unpricedTransactions.length > 0)
      warnings.push(`${decision.unpricedTransactions.length} transaction(s) had no price at their time: amounts taken as USD`)
    if (gathered.prices && decision.decision !== -1) {
      const logical = Object.fromEntries(
        resolved.settings.price_compare.sources.map((source) => [source, gathered.prices!.bySource[source]?.price ?? null]),
      )
      const compared = applyPriceComparison(decision, logical, resolved.settings.price_compare, deps.mismatchStreaks.get(asset) ?? 0)
      deps.mismatchStreaks.set(asset, compared.mismatchStreak)
      decision = compared.decision
    }
    for (const warning of warnings) log.warn('asset data problem', { asset, warning })
    return {
      asset,
      symbol,
      alternateName: symbol === asset ? '' : symbol,
      decision,
      warnings,
      prices: gathered.prices,
      rateUsd: gathered.rateUsd,
      rateAda: gathered.charts.adaRate.values.at(-1) ?? null,
      charts: gathered.charts,
      timings: { fetchMs, engineMs: performance.now() - engineStarted },
    }
  } catch (error) {
    const reason = describeError(error)
    log.warn('asset evaluation failed', { asset, error: reason })
    return {
      asset,
      symbol,
      alternateName: symbol === null || symbol === asset ? '' : symbol,
      decision: errorDecision(asset, reason),
      warnings,
      prices: null,
      rateUsd: null,
      rateAda: null,
      charts: EMPTY_CHARTS,
      timings: { fetchMs: performance.now() - fetchStarted, engineMs: 0 },
    }
  }
}

interface Gathered {
  reference: ReferenceResult
  series: AggregateSeries | null
  transactions: Transaction[]
  wallets: WalletSamples[]
  gatePrices: Series | null | undefined
  prices: AssetPrices | null
  /** the live decision-time price (keyword mode), null without one */
  priceT1Usd: number | null
  rateUsd: { source: string; value: number } | null
  charts: AssetChartData
}

function instant(iso: string | null): EpochMs | null {
  return iso === null ? null : Date.parse(iso)
}

async function gather(
  config: Config,
  deps: EvaluationDeps,
  settings: AssetSettings,
  symbol: string,
  asset: string,
  now: EpochMs,
  warnings: string[],
): Promise<Gathered> {
  const { reader } = deps
  const configured: TimeRange = { start: instant(config.resolved.date_range.start), end: instant(config.resolved.date_range.end) }
  const pricesPending = deps.prices.pricesFor(asset, deps.signal).then(
    (found) => (logFailedAttempts(asset, found.attempts), warnStale(found.attempts, warnings), found),
    (error) => {
      warnings.push(`prices unavailable: ${describeError(error)}`)
      return null
    },
  )
  // price_t1 comes from the live APIs only (spec-math §7.5 step 5), never from the store's cached
  // prices; only keyword mode reports it, but the call starts now to overlap the store reads.
  // (It rejects only when the evaluation is aborted.)
  const decisionPricePending = settleWithin(
    deps.prices.decisionPrice(asset, deps.signal).then(
      (found) => (logFailedAttempts(asset, found.attempts), found.price?.price ?? null),
      () => null,
    ),
    DECISION_PRICE_DEADLINE_MS,
    null,
  )

  const inRange = await reader.transactions(symbol, configured)
  for (const problem of inRange.problems)
    warnings.push(`skipped row of ${problem.table}${problem.ts === null ? '' : ` at ${new Date(problem.ts).toISOString()}`}: ${problem.reason}`)
  const tagged = latestTaggedWithdrawal(inRange.transactions, settings.reference.keyword)

  // The aggregate from a day before t0 (or the range start) to now: v_ref and the window in one read.
  const readFrom = tagged !== null ? Math.max(configured.start ?? -Infinity, tagged.ts - V_REF_MARGIN_MS) : configured.start
  const aggregateRange: TimeRange =
    tagged !== null || (settings.reference.fallback === 'data_range' && configured.start !== null)
      ? { start: readFrom, end: now }
      : { start: Math.max(configured.start ?? -Infinity, now - NO_REFERENCE_CHART_MS), end: Math.min(configured.end ?? now, now) }
  let aggregate = await reader.assetAggregate(symbol, aggregateRange)
  // A tagged withdrawal after now still needs its v_ref: it makes the asset an ERROR (spec-math §7.6).
  const samplesAroundT0 = tagged === null ? EMPTY : await referenceSamples(reader, symbol, aggregate, tagged.ts, configured)
  const reference = resolveReference({ tagged, samplesAroundT0, settings: settings.reference, dataRangeStart: configured.start, now })
  const window = evaluationWindow(reference, now)
  // A tagged withdrawal without data falls back to the range start: read from there instead.
  if (reference.mode === 'data_range' && aggregateRange.start !== reference.t0)
    aggregate = await reader.assetAggregate(symbol, { start: reference.t0, end: now })

  if (window === null) {
    const charts = { ...EMPTY_CHARTS, positions: aggregate ? usdSeries(aggregate) : EMPTY, prices: aggregate ? priceSeries(aggregate) : EMPTY }
    // Without a reference, v_t1 is the configured range's last sample however old (spec-math §7.4),
    // not the last of the recent read the charts show.
    const series = reference.mode === 'null' ? await reader.lastAggregateSample(symbol, configured) : aggregate
    return {
      reference,
      series,
      transactions: [],
      wallets: [],
      gatePrices: undefined,
      prices: await pricesPending,
      priceT1Usd: null,
      rateUsd: null,
      charts,
    }
  }

  const transactions =
    configured.end === null || configured.end >= now
      ? inRange.transactions.filter((tx) => tx.ts >= window.start && tx.ts <= window.end)
      : (await reader.transactions(symbol, window)).transactions
  const [wallets, minswap, prices, priceT1Usd] = await Promise.all([
    reader.walletSamples(symbol, window),
    reader.minswapSeries(symbol, window),
    pricesPending,
    reference.mode === 'keyword' ? decisionPricePending : null,
  ])
  const series = aggregate === null ? null : sliceAggregate(aggregate, window.start, window.end)
  const liqwidPrices = series === null ? EMPTY : priceSeries(series)
  const minswapPrices = presentValues(minswap.ts, minswap.priceUsd)
  const defaultProvider = defaultGreptimeProvider(config)
  const providerSeries = (provider: string) => (provider === 'greptime(minswap)' ? minswapPrices : liqwidPrices)
  const rateSeries = providerSeries(defaultProvider)
  const lastRate = rateSeries.values.at(-1)

  return {
    reference,
    series,
    transactions,
    wallets: [...wallets].map(([wallet, samples]) => ({ wallet, samples })),
    gatePrices:
      settings.gate.enabled && settings.gate.basis === 'change_rate_usd'
        ? changeRatePrices(defaultProvider, providerSeries, window, config.prices.duty_cycle_threshold)
        : undefined,
    prices,
    priceT1Usd,
    rateUsd: lastRate === undefined ? null : { source: defaultProvider, value: lastRate },
    charts: {
      window,
      positions: series === null ? EMPTY : usdSeries(series),
      prices: liqwidPrices,
      adaRate: adaRate(minswap),
      minswapPrices,
    },
  }
}

/**
 * Samples of the configured range around t0. The aggregate read starts a day before t0; when it
 * holds no sample before t0 and none within a day after, the nearest sample may lie further back,
 * so the range up to t0 is read to stay exact.
 */
async function referenceSamples(
  reader: StoreReader,
  symbol: string,
  aggregate: AggregateSeries | null,
  t0: EpochMs,
  configured: TimeRange,
): Promise<Series> {
  const inConfigured = (series: Series): Series => {
    const keep = series.ts.map((ts) => (configured.start === null || ts >= configured.start) && (configured.end === null || ts <= configured.end))
    return { ts: series.ts.filter((_, i) => keep[i]), values: series.values.filter((_, i) => keep[i]) }
  }
  const near = aggregate === null ? EMPTY : inConfigured(usdSeries(aggregate))
  const hasBefore = near.ts.some((ts) => ts <= t0)
  const firstAfter = near.ts.find((ts) => ts >= t0)
  if (hasBefore || (firstAfter !== undefined && firstAfter - t0 <= V_REF_MARGIN_MS)) return near
  const before = await reader.assetAggregate(symbol, { start: configured.start, end: t0 })
  if (before === null || before.ts.length === 0) return near
  const last = before.ts.length - 1
  return { ts: [before.ts[last]!, ...near.ts], values: [before.usd[last]!, ...near.values] }
}

function sliceAggregate(aggregate: AggregateSeries, start: EpochMs, end: EpochMs): AggregateSeries {
  const from = aggregate.ts.findIndex((ts) => ts >= start)
  if (from < 0) return { ts: [], usd: [], price: [] }
  let to = aggregate.ts.length
  while (to > from && aggregate.ts[to - 1]! > end) to--
  return { ts: aggregate.ts.slice(from, to), usd: aggregate.usd.slice(from, to), price: aggregate.price.slice(from, to) }
}

function presentValues(ts: readonly EpochMs[], values: readonly (number | null)[]): Series {
  const keep = values.map((value) => value !== null && Number.isFinite(value))
  return { ts: ts.filter((_, i) => keep[i]), values: values.filter((_, i) => keep[i]) as number[] }
}

function adaRate(minswap: MinswapSeries): Series {
  const ts: EpochMs[] = []
  const values: number[] = []
  minswap.ts.forEach((at, i) => {
    const price = minswap.priceUsd[i]
    const ada = minswap.adaUsd[i]
    if (price === null || price === undefined || !ada) return
    ts.push(at)
    values.push(price / ada)
  })
  return { ts, values }
}

/**
 * The provider of the rate series (spec-data §4.1.3): the first `greptime(…)` entry of the priority
 * lists, logical sources first, else greptime(liqwid).
 */
export function defaultGreptimeProvider(config: Config): string {
  const priority = config.prices.priority_by_logical
  const keys = [...config.prices.sources, ...Object.keys(priority).filter((key) => !config.prices.sources.includes(key))]
  return keys.flatMap((key) => priority[key] ?? []).find((provider) => provider.startsWith('greptime(')) ?? 'greptime(liqwid)'
}

/** The change-rate gate's prices: the default provider, or the supply table's when it covers too little. */
function changeRatePrices(
  provider: string,
  seriesOf: (provider: string) => Series,
  window: { start: EpochMs; end: EpochMs },
  threshold: number,
): Series | null {
  const selected = seriesOf(provider)
  if (provider !== 'greptime(liqwid)' && dutyCycle(selected, window.start, window.end) < threshold) {
    const liqwid = seriesOf('greptime(liqwid)')
    if (liqwid.ts.length > 0) return liqwid
  }
  return selected.ts.length > 0 ? selected : null
}

/** `promise`'s value, or `fallback` when it has not settled within `ms`. */
function settleWithin<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/** One line per provider that failed or timed out (the metrics count them too). */
/** A stale price is left out of the comparison; the asset's warnings say which and why. */
function warnStale(attempts: readonly PriceAttempt[], warnings: string[]): void {
  for (const attempt of attempts) if (attempt.outcome === 'stale') warnings.push(`${attempt.source} price not compared: ${attempt.error ?? 'stale'}`)
}

function logFailedAttempts(asset: string, attempts: readonly PriceAttempt[]): void {
  for (const attempt of attempts)
    if (attempt.outcome === 'error' || attempt.outcome === 'timeout')
      log.warn('price provider failed', {
        asset,
        source: attempt.source,
        provider: attempt.provider,
        outcome: attempt.outcome,
        duration_ms: Math.round(attempt.durationMs),
        error: attempt.error,
      })
}
