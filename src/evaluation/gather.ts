/**
 * The reads of one asset's evaluation (I/O only): runs the plan of plan.ts against the store and
 * the price sources. Problems that do not stop the asset (skipped rows, unavailable prices) come
 * back in `problems`; a failed read rejects, and the asset becomes ERROR with its reason.
 */
import { evaluationWindow, latestTaggedWithdrawal, type ReferenceResult, resolveReference } from '../engine/reference.ts'
import { usdSeries } from '../engine/series.ts'
import type { AssetSettings } from '../engine/settings.ts'
import type { AggregateSeries, EpochMs, Series, Transaction } from '../engine/types.ts'
import type { WalletSamples } from '../engine/wmax.ts'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { AssetPrices, PriceAttempt, PriceSources } from '../sources/prices.ts'
import type { EvaluationReader } from './reader.ts'
import type { MinswapSeries, TimeRange } from '../store/types.ts'
import { aggregateRange, aggregateReread, needsEarlierSample, transactionsCoverWindow, withinRange } from './plan.ts'
import { EMPTY_SERIES } from './result.ts'

/**
 * price_t1 is an annotation from the live APIs: an unreachable API (retries, backoff) must not
 * hold the evaluation back for longer than this.
 */
const DECISION_PRICE_DEADLINE_MS = 5_000

export interface GatherRequest {
  readonly reader: EvaluationReader
  readonly prices: PriceSources
  readonly signal?: AbortSignal
  readonly asset: string
  readonly symbol: string
  readonly settings: AssetSettings
  /** the configured data range */
  readonly configured: TimeRange
  readonly now: EpochMs
}

export interface Gathered {
  readonly reference: ReferenceResult
  readonly window: { readonly start: EpochMs; readonly end: EpochMs } | null
  /** the aggregate read: over [t0 − margin, now] with a reference, the recent range without */
  readonly aggregate: AggregateSeries | null
  /** without a reference: the configured range's last sample, however old (spec-math §7.4) */
  readonly lastSample: AggregateSeries | null
  /** the transactions of the window (none without one) */
  readonly transactions: readonly Transaction[]
  readonly wallets: readonly WalletSamples[]
  readonly minswap: MinswapSeries | null
  readonly prices: AssetPrices | null
  /** the live decision-time price (keyword mode), null without one */
  readonly priceT1Usd: number | null
  readonly problems: readonly string[]
}

export async function gather(request: GatherRequest): Promise<Gathered> {
  const { reader, symbol, configured, now } = request
  const problems: string[] = []
  const prices = pendingPrices(request, problems)
  const inRange = await reader.transactions(symbol, configured)
  for (const problem of inRange.problems)
    problems.push(`skipped row of ${problem.table}${problem.ts === null ? '' : ` at ${new Date(problem.ts).toISOString()}`}: ${problem.reason}`)
  const { reference, aggregate } = await readReference(request, inRange.transactions)
  const window = evaluationWindow(reference, now)
  if (window === null) {
    const lastSample = reference.mode === 'null' ? await reader.lastAggregateSample(symbol, configured) : null
    return { reference, window, aggregate, lastSample, transactions: [], wallets: [], minswap: null, ...(await prices.settled(false)), problems }
  }
  const transactions = transactionsCoverWindow(configured, now)
    ? inRange.transactions.filter((tx) => tx.ts >= window.start && tx.ts <= window.end)
    : (await reader.transactions(symbol, window)).transactions
  const [wallets, minswap, settledPrices] = await Promise.all([
    reader.walletSamples(symbol, window),
    reader.minswapSeries(symbol, window),
    prices.settled(reference.mode === 'keyword'),
  ])
  const walletSamples = [...wallets].map(([wallet, samples]) => ({ wallet, samples }))
  return { reference, window, aggregate, lastSample: null, transactions, wallets: walletSamples, minswap, ...settledPrices, problems }
}

/** Round 1: the tagged withdrawal, the aggregate around it, the reference (and a re-read when it falls back). */
async function readReference(request: GatherRequest, inRange: readonly Transaction[]) {
  const { reader, symbol, settings, configured, now } = request
  const tagged = latestTaggedWithdrawal(inRange, settings.reference.keyword)
  const firstRead = aggregateRange(tagged, settings.reference, configured, now)
  const aggregate = await reader.assetAggregate(symbol, firstRead)
  // A tagged withdrawal after now still needs its v_ref: it makes the asset an ERROR (spec-math §7.6).
  const samplesAroundT0 = tagged === null ? EMPTY_SERIES : await referenceSamples(request, aggregate, tagged.ts)
  const reference = resolveReference({ tagged, samplesAroundT0, settings: settings.reference, dataRangeStart: configured.start, now })
  const reread = aggregateReread(reference, firstRead, now)
  return { reference, aggregate: reread === null ? aggregate : await reader.assetAggregate(symbol, reread) }
}

/** Samples of the configured range around t0, reading further back when the first read holds none near it. */
async function referenceSamples(request: GatherRequest, aggregate: AggregateSeries | null, t0: EpochMs): Promise<Series> {
  const near = aggregate === null ? EMPTY_SERIES : withinRange(usdSeries(aggregate), request.configured)
  if (!needsEarlierSample(near, t0)) return near
  const before = await request.reader.assetAggregate(request.symbol, { start: request.configured.start, end: t0 })
  if (before === null || before.ts.length === 0) return near
  const last = before.ts.length - 1
  return { ts: [before.ts[last]!, ...near.ts], values: [before.usd[last]!, ...near.values] }
}

/**
 * The price reads start before the store reads to overlap them. price_t1 comes from the live APIs
 * only (spec-math §7.5 step 5), never from the store's cached prices; only keyword mode reports it.
 */
function pendingPrices({ prices, asset, signal }: GatherRequest, problems: string[]) {
  const all = prices.pricesFor(asset, signal).then(
    (found) => {
      logFailedAttempts(asset, found.attempts)
      warnStale(found.attempts, problems)
      return found
    },
    (error) => {
      problems.push(`prices unavailable: ${describeError(error)}`)
      return null
    },
  )
  const live = prices.decisionPrice(asset, signal).then(
    (found) => {
      logFailedAttempts(asset, found.attempts)
      return found.price?.price ?? null
    },
    // (It rejects only when the evaluation is aborted.)
    () => null,
  )
  const decision = settleWithin(live, DECISION_PRICE_DEADLINE_MS, null)
  return {
    settled: async (withDecisionPrice: boolean) => ({ prices: await all, priceT1Usd: withDecisionPrice ? await decision : null }),
  }
}

/** `promise`'s value, or `fallback` when it has not settled within `ms`. */
function settleWithin<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/** A stale price is left out of the comparison; the asset's warnings say which and why. */
function warnStale(attempts: readonly PriceAttempt[], warnings: string[]): void {
  for (const attempt of attempts) if (attempt.outcome === 'stale') warnings.push(`${attempt.source} price not compared: ${attempt.error ?? 'stale'}`)
}

/** One line per provider that failed or timed out (the metrics count them too). */
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
