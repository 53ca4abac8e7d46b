/**
 * From the reads of gather.ts to what the engine and the charts take (pure): the aggregate cut to
 * the window, the chart series, the change-rate gate's prices and the latest rates.
 */
import { dutyCycle, priceSeries, usdSeries } from '../engine/series.ts'
import type { AssetSettings } from '../engine/settings.ts'
import type { AggregateSeries, EpochMs, Series } from '../engine/types.ts'
import type { MinswapSeries } from '../store/types.ts'
import type { Gathered } from './gather.ts'
import { type AssetChartData, EMPTY_CHARTS, EMPTY_SERIES } from './result.ts'

export interface Derived {
  /** the aggregate the engine takes: the window's samples, or v_t1's sample without a reference */
  readonly series: AggregateSeries | null
  /** the change-rate gate's prices; undefined when the gate does not use them */
  readonly gatePrices: Series | null | undefined
  readonly rateUsd: { readonly source: string; readonly value: number } | null
  readonly charts: AssetChartData
}

export interface DeriveSettings {
  readonly settings: AssetSettings
  /** the provider of the rate series (config.resolved.rate_provider) */
  readonly rateProvider: string
  /** prices.duty_cycle_threshold */
  readonly dutyCycleThreshold: number
}

export function derive(gathered: Gathered, options: DeriveSettings): Derived {
  const { aggregate, window } = gathered
  if (window === null) {
    const charts = {
      ...EMPTY_CHARTS,
      positions: aggregate ? usdSeries(aggregate) : EMPTY_SERIES,
      prices: aggregate ? priceSeries(aggregate) : EMPTY_SERIES,
    }
    const series = gathered.reference.mode === 'null' ? gathered.lastSample : aggregate
    return { series, gatePrices: undefined, rateUsd: null, charts }
  }
  const series = aggregate === null ? null : sliceAggregate(aggregate, window.start, window.end)
  const liqwidPrices = series === null ? EMPTY_SERIES : priceSeries(series)
  const minswap = gathered.minswap ?? { ts: [], priceUsd: [], adaUsd: [] }
  const minswapPrices = presentValues(minswap.ts, minswap.priceUsd)
  const providerSeries = (provider: string) => (provider === 'greptime(minswap)' ? minswapPrices : liqwidPrices)
  const lastRate = providerSeries(options.rateProvider).values.at(-1)
  const { gate } = options.settings
  return {
    series,
    gatePrices:
      gate.enabled && gate.basis === 'change_rate_usd'
        ? changeRatePrices(options.rateProvider, providerSeries, window, options.dutyCycleThreshold)
        : undefined,
    rateUsd: lastRate === undefined ? null : { source: options.rateProvider, value: lastRate },
    charts: {
      window,
      positions: series === null ? EMPTY_SERIES : usdSeries(series),
      prices: liqwidPrices,
      adaRate: adaRate(minswap),
      minswapPrices,
    },
  }
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
