/**
 * One evaluation of a golden `evaluate_once` case, in memory: what `evaluate()` does with a real
 * store (resolve → reference → fetch the window → decide → compare prices), but reading the case's
 * rows through memory-store.ts and calling the pure engine. The mismatch streaks are the state that
 * carries over between runs of the same case.
 */
import { type AssetDecision, applyPriceComparison, decideAsset, errorDecision } from '../../../src/engine/decision.ts'
import { evaluationWindow, latestTaggedWithdrawal, resolveReference } from '../../../src/engine/reference.ts'
import { dutyCycle, usdSeries } from '../../../src/engine/series.ts'
import type { AssetSettings } from '../../../src/engine/settings.ts'
import type { EpochMs, Series } from '../../../src/engine/types.ts'
import { type EvaluateCase, type EvaluateParameters, ms } from './cases.ts'
import { type MemoryStore, memoryStore, type TimeRange } from './memory-store.ts'
import { settingsFromCase } from './settings.ts'

/** Per-asset consecutive price mismatches, kept between runs (the caller's state). */
export type MismatchStreaks = Map<string, number>

/** The pseudo-asset the predecessor reported when no asset is configured. */
export const ALL_ASSETS = '_all_'

export function evaluateCaseInMemory(testCase: EvaluateCase, streaks: MismatchStreaks): Record<string, AssetDecision> {
  const { inputs, parameters } = testCase
  if (parameters.assets.length === 0) return { [ALL_ASSETS]: errorDecision(ALL_ASSETS, 'assets list is empty') }
  const store = memoryStore(inputs)
  const now = ms(inputs.now_utc)
  const configured: TimeRange = {
    start: parameters.date_range.start ? ms(parameters.date_range.start) : null,
    end: parameters.date_range.end ? ms(parameters.date_range.end) : null,
  }

  const decisions: Record<string, AssetDecision> = {}
  for (const asset of parameters.assets) {
    const symbol = inputs.resolver_map[asset]
    if (symbol === undefined) {
      const message = `Unable to resolve asset identifier '${asset}' via Greptime or Liqwid; no changes made.`
      decisions[asset] = errorDecision(asset, message)
      continue
    }
    const settings = settingsFromCase(parameters, asset)
    const decision = decideInMemory(store, asset, symbol, settings, parameters, configured, now)
    const prices = logicalPrices(store, parameters, settings, asset, symbol)
    const compared = applyPriceComparison(decision, prices, settings.price_compare, streaks.get(asset) ?? 0)
    streaks.set(asset, compared.mismatchStreak)
    decisions[asset] = compared.decision
  }
  return decisions
}

function decideInMemory(
  store: MemoryStore,
  asset: string,
  symbol: string,
  settings: AssetSettings,
  parameters: EvaluateParameters,
  configured: TimeRange,
  now: EpochMs,
): AssetDecision {
  const tagged = latestTaggedWithdrawal(store.transactions(symbol, configured), settings.reference.keyword)
  const reference = resolveReference({
    tagged,
    samplesAroundT0: tagged === null ? { ts: [], values: [] } : usdSeries(store.aggregate(symbol, configured)),
    settings: settings.reference,
    dataRangeStart: configured.start,
    now,
  })
  const window = evaluationWindow(reference, now)
  if (window === null) {
    const series = reference.mode === 'null' ? store.aggregate(symbol, configured) : null
    return decideAsset({ asset, now, settings, reference, series, transactions: [], wallets: [] })
  }
  const gatePrices =
    settings.gate.enabled && settings.gate.basis === 'change_rate_usd' ? changeRatePrices(store, parameters, asset, symbol, window) : undefined
  return decideAsset({
    asset,
    now,
    settings,
    reference,
    series: store.aggregate(symbol, window),
    transactions: store.transactions(symbol, window),
    wallets: store.walletSamples(symbol, window),
    gatePrices,
  })
}

/**
 * spec-math §6.2: the first `greptime(...)` provider of the priority lists (logical sources first),
 * falling back to the supply table's prices when the selected series covers too little of the
 * window (duty cycle below the threshold).
 */
function changeRatePrices(
  store: MemoryStore,
  parameters: EvaluateParameters,
  asset: string,
  symbol: string,
  window: { start: EpochMs; end: EpochMs },
): Series | null {
  const keys = [...parameters.prices_sources, ...Object.keys(parameters.priority_by_logical).filter((k) => !parameters.prices_sources.includes(k))]
  const providers = keys
    .flatMap((k) => parameters.priority_by_logical[k] ?? [])
    .map((p) => p.trim())
    .filter((p) => p.toLowerCase().startsWith('greptime('))
  const selected = providers[0] ?? 'greptime(liqwid)'
  const series = store.priceSeries(selected, symbol, asset, window)
  if (dutyCycle(series, window.start, window.end) < parameters.duty_cycle_threshold && selected !== 'greptime(liqwid)') {
    const liqwid = store.priceSeries('greptime(liqwid)', symbol, asset, window)
    if (liqwid !== null && liqwid.ts.length > 0) return liqwid
  }
  return series
}

/** §7.7: per logical source, the first provider of its priority list that has a price. */
function logicalPrices(
  store: MemoryStore,
  parameters: EvaluateParameters,
  settings: AssetSettings,
  asset: string,
  symbol: string,
): Record<string, number | null> {
  const prices: Record<string, number | null> = {}
  for (const source of settings.price_compare.sources) {
    prices[source] = null
    for (const provider of parameters.priority_by_logical[source] ?? []) {
      const price = store.latestPrice(provider, symbol, asset)
      if (price !== null) {
        prices[source] = price
        break
      }
    }
  }
  return prices
}
