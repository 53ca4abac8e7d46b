/**
 * An in-memory stand-in for what the store returns, built from a golden case's database rows and
 * following the predecessor's SQL semantics (spec-math §1.3–1.7): inclusive ms ranges, per-ts sums
 * of COALESCE(usd_value, underlying_units × price_usd, 0), withdrawals read negative, a stable sort
 * by timestamp with deposits first, and per-wallet samples cut to the first two and the last one
 * (the store's performance contract, wmax.ts).
 */
import { WALLET_SAMPLES_NEEDED, type WalletSamples } from '../../../src/engine/wmax.ts'
import type { AggregateSeries, EpochMs, Series, Transaction } from '../../../src/engine/types.ts'
import { type EvaluateCase, ms, type PositionRow, type TransactionRow } from './cases.ts'

export interface TimeRange {
  readonly start: EpochMs | null
  readonly end: EpochMs | null
}

export interface MemoryStore {
  aggregate(symbol: string, range: TimeRange): AggregateSeries
  walletSamples(symbol: string, range: TimeRange): WalletSamples[]
  transactions(symbol: string, range: TimeRange): Transaction[]
  /** `greptime(liqwid)` / `greptime(minswap)` price series; null for any other provider */
  priceSeries(provider: string, symbol: string, displayAsset: string, range: TimeRange): Series | null
  /** latest price of a provider (`database:symbol` keys of the case); null when unknown */
  latestPrice(provider: string, symbol: string, displayAsset: string): number | null
}

const inRange = (t: EpochMs, range: TimeRange) => (range.start === null || t >= range.start) && (range.end === null || t <= range.end)

function rowUsd(row: PositionRow): number {
  if (row.usd_value !== null && row.usd_value !== undefined) return row.usd_value
  if (row.underlying_units != null && row.price_usd != null) return row.underlying_units * row.price_usd
  return 0
}

/** The predecessor canonicalizes minswap symbols (usdc → wanusdc, usdt → wanusdt). */
export function minswapSymbol(displayAsset: string): string {
  const lower = displayAsset.trim().toLowerCase()
  return lower === 'usdc' ? 'wanusdc' : lower === 'usdt' ? 'wanusdt' : lower
}

export function memoryStore(inputs: EvaluateCase['inputs']): MemoryStore {
  const positionRows = (symbol: string, range: TimeRange) =>
    (inputs.positions[symbol] ?? [])
      .map((row) => ({ row, t: ms(row.ts) }))
      .filter(({ t }) => inRange(t, range))
      .sort((a, b) => a.t - b.t)

  return {
    aggregate(symbol, range) {
      const byTs = new Map<EpochMs, { usd: number; price: number | null }>()
      for (const { row, t } of positionRows(symbol, range)) {
        const slot = byTs.get(t) ?? { usd: 0, price: null }
        slot.usd += rowUsd(row)
        if (row.price_usd != null) slot.price = row.price_usd
        byTs.set(t, slot)
      }
      const ts = [...byTs.keys()]
      return { ts, usd: ts.map((t) => byTs.get(t)!.usd), price: ts.map((t) => byTs.get(t)!.price) }
    },

    walletSamples(symbol, range) {
      const byWallet = new Map<string, Map<EpochMs, number>>()
      for (const { row, t } of positionRows(symbol, range)) {
        if (row.wallet === null || row.wallet === '') continue
        const series = byWallet.get(row.wallet) ?? new Map<EpochMs, number>()
        series.set(t, (series.get(t) ?? 0) + rowUsd(row))
        byWallet.set(row.wallet, series)
      }
      return [...byWallet.entries()].map(([wallet, series]) => {
        const ts = [...series.keys()]
        // what the store returns: the first two samples and the last one
        const keep = ts.filter((_, i) => i < WALLET_SAMPLES_NEEDED.first || i >= ts.length - WALLET_SAMPLES_NEEDED.last)
        return { wallet, samples: { ts: keep, values: keep.map((t) => series.get(t)!) } }
      })
    },

    transactions(symbol, range) {
      const read = (rows: TransactionRow[], kind: Transaction['kind']): Transaction[] =>
        rows
          .filter((row): row is TransactionRow & { ts: string } => row.ts !== null)
          .map((row) => ({ row, t: ms(row.ts) }))
          .filter(({ t }) => inRange(t, range))
          .sort((a, b) => a.t - b.t)
          .map(({ row, t }) => {
            const raw = Number(row.amount ?? 0)
            const amount = Number.isNaN(raw) ? 0 : kind === 'withdrawal' && raw > 0 ? -raw : raw
            return {
              ts: t,
              createdAt: row.created_at ? ms(row.created_at) : t,
              wallet: row.wallet ?? '',
              marketId: row.market_id ?? 'market',
              kind,
              amount,
              notes: row.notes,
            }
          })
      const merged = [...read(inputs.deposits[symbol] ?? [], 'deposit'), ...read(inputs.withdrawals[symbol] ?? [], 'withdrawal')]
      return merged.sort((a, b) => a.ts - b.ts)
    },

    priceSeries(provider, symbol, displayAsset, range) {
      const name = provider.trim().toLowerCase()
      let points: { t: EpochMs; price: number | null }[]
      if (name === 'greptime(liqwid)') {
        points = positionRows(symbol, range).map(({ row, t }) => ({ t, price: row.price_usd ?? null }))
      } else if (name === 'greptime(minswap)') {
        points = (inputs.minswap_price_series[minswapSymbol(displayAsset)] ?? inputs.minswap_price_series[symbol] ?? [])
          .map((row) => ({ t: ms(row.ts), price: row.price_usd }))
          .filter(({ t }) => inRange(t, range))
          .sort((a, b) => a.t - b.t)
      } else {
        return null
      }
      // one row per (ts, wallet) and no GROUP BY: the last row read for a timestamp wins
      const byTs = new Map<EpochMs, number>()
      for (const { t, price } of points) if (price !== null) byTs.set(t, price)
      const ts = [...byTs.keys()]
      return { ts, values: ts.map((t) => byTs.get(t)!) }
    },

    latestPrice(provider, symbol, displayAsset) {
      const name = provider.trim().toLowerCase()
      const key = name === 'greptime(liqwid)' ? `liqwid:${symbol}` : name === 'greptime(minswap)' ? `minswap:${minswapSymbol(displayAsset)}` : null
      if (key === null) return null
      return inputs.latest_prices_by_db_symbol[key] ?? null
    },
  }
}
