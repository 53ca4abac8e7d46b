/**
 * One evaluation of every configured asset: gather the reads (gather.ts, a fixed handful of
 * queries per asset, assets concurrently), derive the series (derive.ts), run the pure engine,
 * return one result value. The clock is the `now` argument; the state carried from one evaluation
 * to the next (the price-mismatch streaks) comes in through `previous` and goes out in the result.
 *
 * An asset's failure (unresolvable name, missing table, database error) is that asset's ERROR
 * with its reason; the other assets are unaffected.
 */
import type { Config } from '../config/resolve.ts'
import { type AssetDecision, applyPriceComparison, decideAsset, errorDecision } from '../engine/decision.ts'
import type { AssetSettings } from '../engine/settings.ts'
import type { EpochMs } from '../engine/types.ts'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { AssetPrices, PriceSources } from '../sources/prices.ts'
import type { EvaluationReader } from './reader.ts'
import { derive } from './derive.ts'
import { gather } from './gather.ts'
import { type AssetEvaluation, EMPTY_CHARTS, type EvaluationResult } from './result.ts'
import { assetSymbol } from './symbols.ts'

export type { AssetChartData, AssetEvaluation, EvaluationResult } from './result.ts'

export interface EvaluationDeps {
  readonly reader: EvaluationReader
  readonly prices: PriceSources
  readonly signal?: AbortSignal
}

export async function evaluate(
  config: Config,
  deps: EvaluationDeps,
  now: EpochMs,
  previous: EvaluationResult | null = null,
): Promise<EvaluationResult> {
  const started = performance.now()
  const streakBefore = (asset: string) => previous?.assets.find((entry) => entry.asset === asset)?.mismatchStreak ?? 0
  const assets = await Promise.all(Object.keys(config.resolved.assets).map((asset) => evaluateAsset(config, deps, asset, now, streakBefore(asset))))
  return {
    at: now,
    durationMs: performance.now() - started,
    assets,
    hasErrors: assets.some((entry) => entry.decision.decision === -1),
  }
}

async function evaluateAsset(config: Config, deps: EvaluationDeps, asset: string, now: EpochMs, streak: number): Promise<AssetEvaluation> {
  const { settings } = config.resolved.assets[asset]!
  const fetchStarted = performance.now()
  let symbol: string | null = null
  try {
    symbol = await assetSymbol(config, deps.reader, asset)
    const configured = config.resolved.date_range
    const gathered = await gather({ reader: deps.reader, prices: deps.prices, signal: deps.signal, asset, symbol, settings, configured, now })
    const fetchMs = performance.now() - fetchStarted
    const engineStarted = performance.now()
    const derived = derive(gathered, {
      settings,
      rateProvider: config.resolved.rate_provider,
      dutyCycleThreshold: config.prices.duty_cycle_threshold,
    })
    const decided = decideAsset({
      asset,
      now,
      settings,
      reference: gathered.reference,
      series: derived.series,
      transactions: gathered.transactions,
      wallets: gathered.wallets,
      gatePrices: derived.gatePrices,
      priceT1Usd: gathered.priceT1Usd,
    })
    const compared = withPriceComparison(decided, gathered.prices, settings, streak)
    const warnings = [...gathered.problems]
    if (decided.unpricedTransactions.length > 0)
      warnings.push(`${decided.unpricedTransactions.length} transaction(s) had no price at their time: amounts taken as USD`)
    for (const warning of warnings) log.warn('asset data problem', { asset, warning })
    return {
      asset,
      symbol,
      alternateName: symbol === asset ? '' : symbol,
      decision: compared.decision,
      mismatchStreak: compared.mismatchStreak,
      warnings,
      prices: gathered.prices,
      rateUsd: derived.rateUsd,
      rateAda: derived.charts.adaRate.values.at(-1) ?? null,
      charts: derived.charts,
      timings: { fetchMs, engineMs: performance.now() - engineStarted },
    }
  } catch (error) {
    return failedAsset(asset, symbol, error, streak, performance.now() - fetchStarted)
  }
}

/** The price comparison of a decided asset; an ERROR or an asset without prices keeps its streak. */
function withPriceComparison(decision: AssetDecision, prices: AssetPrices | null, settings: AssetSettings, streak: number) {
  if (prices === null || decision.decision === -1) return { decision, mismatchStreak: streak }
  const logical = Object.fromEntries(settings.price_compare.sources.map((source) => [source, prices.bySource[source]?.price ?? null]))
  return applyPriceComparison(decision, logical, settings.price_compare, streak)
}

function failedAsset(asset: string, symbol: string | null, error: unknown, streak: number, fetchMs: number): AssetEvaluation {
  const reason = describeError(error)
  log.warn('asset evaluation failed', { asset, error: reason })
  return {
    asset,
    symbol,
    alternateName: symbol === null || symbol === asset ? '' : symbol,
    decision: errorDecision(asset, reason),
    mismatchStreak: streak,
    warnings: [],
    prices: null,
    rateUsd: null,
    rateAda: null,
    charts: EMPTY_CHARTS,
    timings: { fetchMs, engineMs: 0 },
  }
}
