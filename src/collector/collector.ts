/**
 * The position collector: one tick reads Liqwid's markets and the wallets' Koios balances and
 * writes one row per wallet and asset to `liqwid_supply_positions_<sym>`, stamped with the grid
 * instant at or before the read (12:07 → 12:05 with a 5-minute interval), so that every wallet's
 * row of one tick shares its timestamp and the aggregate series stays regular.
 *
 * - a tick that is not collected (process down, source unreachable) is a gap: nothing is ever
 *   interpolated or carried forward;
 * - a wallet without the market's receipt token writes 0 (the position was withdrawn);
 * - a failure is as narrow as its cause: markets or all balances unreachable → nothing written
 *   (outcome `failed`); one batch of addresses, one market or one table → only those rows are
 *   missing (outcome `partial`); every outcome is logged and counted.
 * - a wallet already written at a tick (another process collected it) is not written twice.
 */
import type { EpochMs } from '../engine/types.ts'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import { addressKind, type Balances, type BalancesAnswer } from '../sources/koios.ts'
import type { StoreReader } from '../store/reader.ts'
import type { PositionRow } from '../store/types.ts'
import type { StoreWriter } from '../store/writer.ts'
import { multiply, parseDecimal, shift, toNumber, toPlainString } from './decimal.ts'
import { marketForAsset, type CollectorMarket, type MarketsAnswer } from './markets.ts'
import type { MarketYield } from './yield.ts'

export type TickOutcome = 'success' | 'partial' | 'failed' | 'skipped'
export const TICK_OUTCOMES: readonly TickOutcome[] = ['success', 'partial', 'failed', 'skipped']

export interface CollectedAsset {
  /** display name, e.g. `usdc` */
  readonly asset: string
  /** table symbol, e.g. `wanusdc` */
  readonly symbol: string
}

export interface CollectorSettings {
  readonly intervalMs: number
  readonly wallets: readonly string[]
  readonly assets: readonly CollectedAsset[]
  /** under --test-prefix the writer targets test_ tables, which the duplicate check cannot read */
  readonly checkExisting: boolean
}

export interface CollectorPorts {
  fetchMarkets(signal?: AbortSignal): Promise<MarketsAnswer>
  fetchBalances(wallets: readonly string[], signal?: AbortSignal): Promise<BalancesAnswer>
  /** Liqwid's own yield figure per market id (cross-check only); absent = not asked */
  fetchYield?(wallets: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, MarketYield>>
  readonly writer: StoreWriter
  readonly reader: StoreReader
  /** counts a tick (metrics); optional */
  record?(outcome: TickOutcome, at: EpochMs): void
  readonly now: () => EpochMs
}

export interface WrittenPosition {
  readonly asset: string
  readonly wallet: string
  readonly marketId: string
  /** receipt-token quantity as held */
  readonly qTokens: bigint
  /** underlying units, every digit */
  readonly unitsText: string
  readonly row: PositionRow
}

export interface TickProblem {
  readonly asset: string | null
  readonly wallet: string | null
  readonly reason: string
}

export interface TickReport {
  readonly tick: EpochMs
  readonly outcome: TickOutcome
  readonly written: readonly WrittenPosition[]
  readonly skipped: number
  readonly problems: readonly TickProblem[]
}

/** What Liqwid reports the collected wallets earned in an asset's market (all time, its own figure). */
export interface ReportedYield extends MarketYield {
  readonly marketId: string
  /** the tick it was read at */
  readonly at: EpochMs
  /** the payment addresses it covers (Liqwid's figure is asked for payment addresses only) */
  readonly wallets: number
}

export interface Collector {
  readonly settings: CollectorSettings
  /** Liqwid's latest yield figure for an asset, when the API gave one */
  reportedYield(asset: string): ReportedYield | null
  /** The grid instant at or before `at`. */
  tickAt(at: EpochMs): EpochMs
  /** Collects the current tick (even if this process collected it already). */
  collectTick(signal?: AbortSignal): Promise<TickReport>
  /** Collects the current tick unless this process did; concurrent callers share one run. */
  collectDue(signal?: AbortSignal): Promise<TickReport | null>
}

export function gridTick(at: EpochMs, intervalMs: number): EpochMs {
  return Math.floor(at / intervalMs) * intervalMs
}

/** Underlying units and USD value of a receipt-token quantity, exact until the final rounding. */
export function valuePosition(qTokens: bigint, market: CollectorMarket, priceUsd: number) {
  const units = shift(multiply(parseDecimal(qTokens), market.exchangeRate), market.decimals)
  const usd = multiply(units, parseDecimal(priceUsd, `price of ${market.id}`))
  return { units: toNumber(units), unitsText: toPlainString(units), usd: toNumber(usd) }
}

export function createCollector(settings: CollectorSettings, ports: CollectorPorts): Collector {
  let lastCollected: EpochMs | null = null
  const reported = new Map<string, ReportedYield>()
  // Liqwid's yield query takes the addresses a wallet uses, i.e. payment addresses.
  const paymentWallets = settings.wallets.filter((wallet) => addressKind(wallet) === 'payment')
  let running: { tick: EpochMs; report: Promise<TickReport> } | null = null
  const tickAt = (at: EpochMs) => gridTick(at, settings.intervalMs)

  async function collectTick(signal?: AbortSignal): Promise<TickReport> {
    const tick = tickAt(ports.now())
    const report = await collect(tick, signal)
    if (report.outcome !== 'failed') lastCollected = Math.max(lastCollected ?? tick, tick)
    ports.record?.(report.outcome, ports.now())
    logReport(report)
    return report
  }

  async function collect(tick: EpochMs, signal?: AbortSignal): Promise<TickReport> {
    const problems: TickProblem[] = []
    const [markets, balances, yields] = await Promise.allSettled([
      ports.fetchMarkets(signal),
      ports.fetchBalances(settings.wallets, signal),
      ports.fetchYield && paymentWallets.length > 0 ? ports.fetchYield(paymentWallets, signal) : Promise.resolve(null),
    ])
    signal?.throwIfAborted()
    if (yields.status === 'rejected') log.warn('liqwid yieldEarned unavailable (cross-check only)', { error: describeError(yields.reason) })
    if (markets.status === 'rejected') problems.push({ asset: null, wallet: null, reason: `liqwid markets: ${describeError(markets.reason)}` })
    if (balances.status === 'rejected') problems.push({ asset: null, wallet: null, reason: `koios balances: ${describeError(balances.reason)}` })
    if (markets.status === 'rejected' || balances.status === 'rejected') return { tick, outcome: 'failed', written: [], skipped: 0, problems }

    for (const rejected of markets.value.rejected) log.warn('liqwid market skipped', { market: rejected.id ?? '(no id)', reason: rejected.reason })
    for (const [wallet, reason] of balances.value.failed) problems.push({ asset: null, wallet, reason: `koios balances: ${reason}` })
    const readable = settings.wallets.filter((wallet) => !balances.value.failed.has(wallet))
    if (readable.length === 0) return { tick, outcome: 'failed', written: [], skipped: 0, problems }

    const written: WrittenPosition[] = []
    let skipped = 0
    for (const asset of settings.assets) {
      const market = marketForAsset(markets.value.markets, asset.asset, asset.symbol)
      const earned = market && yields.status === 'fulfilled' ? yields.value?.get(market.id) : undefined
      if (market && earned) reported.set(asset.asset, { ...earned, marketId: market.id, at: tick, wallets: paymentWallets.length })
      const result = await writeAsset(tick, asset, market, readable, balances.value.balances, signal)
      if ('reason' in result) problems.push({ asset: asset.asset, wallet: null, reason: result.reason })
      else {
        written.push(...result.written)
        skipped += result.skipped
      }
    }
    const outcome: TickOutcome =
      problems.length === 0 ? (written.length === 0 && skipped > 0 ? 'skipped' : 'success') : written.length + skipped > 0 ? 'partial' : 'failed'
    return { tick, outcome, written, skipped, problems }
  }

  /** One asset's rows of a tick: every readable wallet not yet written at this instant. */
  async function writeAsset(
    tick: EpochMs,
    asset: CollectedAsset,
    market: CollectorMarket | null,
    wallets: readonly string[],
    balances: Balances,
    signal?: AbortSignal,
  ): Promise<{ written: WrittenPosition[]; skipped: number } | { reason: string }> {
    if (market === null) return { reason: `no Liqwid market for ${asset.asset} (${asset.symbol})` }
    const priceUsd = market.priceUsd
    if (priceUsd === null) return { reason: `Liqwid has no USD price for market ${market.id}` }
    try {
      const already = settings.checkExisting ? await ports.reader.walletSeries(asset.symbol, { start: tick, end: tick }) : new Map()
      const positions = wallets
        .filter((wallet) => !already.has(wallet))
        .map((wallet) => position(tick, asset.asset, wallet, market, priceUsd, balances))
      if (positions.length > 0)
        await ports.writer.insertPositions(
          asset.symbol,
          positions.map((entry) => entry.row),
        )
      return { written: positions, skipped: wallets.length - positions.length }
    } catch (error) {
      signal?.throwIfAborted()
      return { reason: `writing ${asset.symbol}: ${describeError(error)}` }
    }
  }

  return {
    settings,
    reportedYield: (asset) => reported.get(asset) ?? null,
    tickAt,
    collectTick,
    async collectDue(signal) {
      const tick = tickAt(ports.now())
      if (running !== null && running.tick === tick) return running.report
      if (lastCollected !== null && lastCollected >= tick) return null
      const report = collectTick(signal)
      running = { tick, report }
      try {
        return await report
      } finally {
        if (running?.report === report) running = null
      }
    },
  }
}

function position(tick: EpochMs, asset: string, wallet: string, market: CollectorMarket, priceUsd: number, balances: Balances): WrittenPosition {
  const qTokens = balances.get(wallet)?.get(market.receiptUnit) ?? 0n
  const value = valuePosition(qTokens, market, priceUsd)
  return {
    asset,
    wallet,
    marketId: market.id,
    qTokens,
    unitsText: value.unitsText,
    row: { ts: tick, wallet, marketId: market.id, marketName: market.displayName, units: value.units, priceUsd, usdValue: value.usd },
  }
}

function logReport(report: TickReport): void {
  const fields = {
    tick: new Date(report.tick).toISOString(),
    outcome: report.outcome,
    rows: report.written.length,
    already_collected: report.skipped,
    problems: report.problems.length,
  }
  for (const problem of report.problems)
    log.warn('collector problem', { tick: fields.tick, asset: problem.asset ?? '*', wallet: problem.wallet ?? '*', reason: problem.reason })
  if (report.outcome === 'failed') log.error('collector tick failed', fields)
  else log.info('collector tick', fields)
}
