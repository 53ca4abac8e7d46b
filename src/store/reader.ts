/**
 * Everything the service reads from the store, one statement (or a fixed few) per call, never one
 * per wallet. Symbols are resolved table symbols (`wanusdc`); `resolveSymbol` maps display names.
 *
 * Absence is data, not failure: a missing table or namespace reads as null / empty, and a
 * malformed transaction row is skipped and reported so one bad row never costs an asset.
 */

import type { AggregateSeries, EpochMs, Series, Transaction, TransactionKind } from '../engine/types.ts'
import { wrappedSymbol } from '../config/symbols.ts'
import { AppError } from '../errors.ts'
import { log } from '../log.ts'
import { isMissingColumn, isMissingTable, type Row, type StoreClient } from './client.ts'
import * as sql from './sql.ts'
import { TableNames, type TableNamesOptions } from './tables.ts'
import type {
  MinswapSeries,
  PricePoint,
  ResolvedAsset,
  RowProblem,
  StorePriceSource,
  TableKind,
  TableRef,
  TimeRange,
  Timespan,
  TransactionsResult,
} from './types.ts'

const SYMBOL = /^[a-z_][a-z0-9_]*$/
/** instants per `walletValuesAt` statement */
const INSTANTS_PER_STATEMENT = 500

interface MarketInfo {
  readonly marketId: string | null
  readonly marketName: string | null
}

export class StoreReader {
  readonly names: TableNames
  private readonly resolved = new Map<string, Promise<ResolvedAsset>>()

  constructor(
    private readonly client: StoreClient,
    options: TableNamesOptions = {},
  ) {
    this.names = new TableNames(options)
  }

  /** Σ USD over all rows (wallet or not) and the price, per ts; null when there is no data. */
  async assetAggregate(symbol: string, range: TimeRange): Promise<AggregateSeries | null> {
    const table = this.names.table('positions', symbol)
    const rows = await this.read('assetAggregate', table, (dialect) => sql.aggregateStatement(dialect, table, range))
    const ts: number[] = []
    const usd: number[] = []
    const price: (number | null)[] = []
    for (const row of rows ?? []) {
      const at = toNumber(row.ts)
      if (at === null) continue
      ts.push(at)
      usd.push(toNumber(row.usd) ?? 0)
      price.push(toNumber(row.price))
    }
    return ts.length === 0 ? null : { ts, usd, price }
  }

  /**
   * The aggregate's last sample in the range, however old (spec-math §7.4: v_t1 without a
   * reference): the range's last ts through the ts index, then that one ts — never the whole range.
   */
  async lastAggregateSample(symbol: string, range: TimeRange): Promise<AggregateSeries | null> {
    const table = this.names.table('positions', symbol)
    const row = (await this.read('lastAggregateSample', table, (dialect) => sql.timespanStatement(dialect, table, range)))?.[0]
    const last = toNumber(row?.last_ts)
    return last === null ? null : this.assetAggregate(symbol, { start: last, end: last })
  }

  /** Every wallet's first two samples and its last sample in the range, wallets ascending. */
  async walletSamples(symbol: string, range: TimeRange): Promise<Map<string, Series>> {
    const table = this.names.table('positions', symbol)
    return perWallet(await this.read('walletSamples', table, (dialect) => sql.walletSamplesStatement(dialect, table, range)))
  }

  /**
   * Each wallet's USD at exactly the given instants, wallets ascending; a wallet without a row at
   * an instant has no point there. Instants go in chunks to keep each statement small.
   */
  async walletValuesAt(symbol: string, instants: readonly EpochMs[]): Promise<Map<string, Series>> {
    const table = this.names.table('positions', symbol)
    const rows: Row[] = []
    for (let from = 0; from < instants.length; from += INSTANTS_PER_STATEMENT) {
      const chunk = instants.slice(from, from + INSTANTS_PER_STATEMENT)
      rows.push(...((await this.read('walletValuesAt', table, (dialect) => sql.walletValuesAtStatement(dialect, table, chunk))) ?? []))
    }
    rows.sort((a, b) => (toNumber(a.ts) ?? 0) - (toNumber(b.ts) ?? 0))
    return perWallet(rows)
  }

  /** Every wallet's full USD series, wallets ascending (charts, tests). */
  async walletSeries(symbol: string, range: TimeRange): Promise<Map<string, Series>> {
    const table = this.names.table('positions', symbol)
    return perWallet(await this.read('walletSeries', table, (dialect) => sql.walletSeriesStatement(dialect, table, range)))
  }

  /** `test` reads the `test_` twins (what a writer under `--test-prefix` wrote), e.g. for sync dedupe. */
  async transactions(symbol: string, range: TimeRange, wallet: string | null = null, test = false): Promise<TransactionsResult> {
    const problems: RowProblem[] = []
    const [deposits, withdrawals] = await Promise.all([
      this.readTransactions('deposit', symbol, range, wallet, test, problems),
      this.readTransactions('withdrawal', symbol, range, wallet, test, problems),
    ])
    // Array.prototype.sort is stable: same-ts deposits stay ahead of withdrawals.
    const transactions = [...deposits, ...withdrawals].sort((a, b) => a.ts - b.ts)
    return { transactions, problems }
  }

  /** The newest price, or the newest at or before `asOf` (an evaluation as of a past instant). */
  async latestPrice(source: StorePriceSource, symbol: string, asOf: EpochMs | null = null): Promise<PricePoint | null> {
    const table = this.priceTable(source, symbol)
    const row = (await this.read('latestPrice', table, (dialect) => sql.latestPriceStatement(dialect, table, asOf)))?.[0]
    const ts = toNumber(row?.ts)
    const priceUsd = toNumber(row?.price_usd)
    return ts === null || priceUsd === null ? null : { ts, priceUsd }
  }

  async priceSeries(source: StorePriceSource, symbol: string, range: TimeRange): Promise<Series> {
    const table = this.priceTable(source, symbol)
    const ts: number[] = []
    const values: number[] = []
    for (const row of (await this.read('priceSeries', table, (dialect) => sql.priceSeriesStatement(dialect, table, range))) ?? []) {
      const at = toNumber(row.ts)
      const price = toNumber(row.price_usd)
      if (at === null || price === null) continue
      ts.push(at)
      values.push(price)
    }
    return { ts, values }
  }

  /** `price_usd` and `ada_usd` per ts, for the ADA rate; a ts is kept if either is present. */
  async minswapSeries(symbol: string, range: TimeRange): Promise<MinswapSeries> {
    const table = this.names.table('minswap', symbol)
    const ts: number[] = []
    const priceUsd: (number | null)[] = []
    const adaUsd: (number | null)[] = []
    for (const row of (await this.read('minswapSeries', table, (dialect) => sql.minswapSeriesStatement(dialect, table, range))) ?? []) {
      const at = toNumber(row.ts)
      const price = toNumber(row.price_usd)
      const ada = toNumber(row.ada_usd)
      if (at === null || (price === null && ada === null)) continue
      ts.push(at)
      priceUsd.push(price)
      adaUsd.push(ada)
    }
    return { ts, priceUsd, adaUsd }
  }

  /** Distinct non-empty wallets over every positions table, sorted (wallet discovery for sync). */
  async discoverWallets(): Promise<string[]> {
    const symbols = await this.listAssetSymbols()
    const perTable = await Promise.all(
      symbols.map(async (symbol) => {
        const table = this.names.table('positions', symbol)
        try {
          return (await this.read('discoverWallets', table, (dialect) => sql.distinctWalletsStatement(dialect, table))) ?? []
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'store_query') throw error
          log.warn('wallet discovery skipped a table', { table: table.name, error })
          return []
        }
      }),
    )
    const wallets = new Set<string>()
    for (const row of perTable.flat()) {
      const wallet = typeof row.wallet_address === 'string' ? row.wallet_address.trim() : ''
      if (wallet !== '') wallets.add(wallet)
    }
    return [...wallets].sort(compareText)
  }

  /** Table symbols of the positions tables in the connection's database, sorted. */
  async listAssetSymbols(): Promise<string[]> {
    const prefix = this.names.prefix('positions').toLowerCase()
    const symbols = new Set<string>()
    for (const name of await this.listTables(null)) {
      const lowered = name.toLowerCase()
      const symbol = lowered.slice(prefix.length)
      if (lowered.startsWith(prefix) && SYMBOL.test(symbol)) symbols.add(symbol)
    }
    return [...symbols].sort(compareText)
  }

  async tableExists(kind: TableKind, symbol: string): Promise<boolean> {
    const table = this.names.table(kind, symbol)
    const names = await this.listTables(table.namespace)
    return names.some((name) => name.toLowerCase() === table.name.toLowerCase())
  }

  /** MIN/MAX(ts) of a table; null when it is missing or empty. */
  async timespan(kind: TableKind, symbol: string, test = false): Promise<Timespan | null> {
    const table = this.names.table(kind, symbol, test)
    const row = (await this.read('timespan', table, (dialect) => sql.timespanStatement(dialect, table)))?.[0]
    const first = toNumber(row?.first_ts)
    const last = toNumber(row?.last_ts)
    return first === null || last === null ? null : { first, last }
  }

  /**
   * Display name → table symbol (spec-data §5): the table `<prefix><name>` if it exists, else the
   * wrapped name (`usdc` → `wanusdc`), else the positions table whose market_id or market_name is
   * the name. Cached per reader; a failure is not cached.
   */
  resolveSymbol(display: string): Promise<ResolvedAsset> {
    const key = String(display).trim().toLowerCase()
    let pending = this.resolved.get(key)
    if (pending === undefined) {
      pending = this.resolve(display, key)
      this.resolved.set(key, pending)
      pending.catch(() => this.resolved.delete(key))
    }
    return pending
  }

  private async resolve(display: string, key: string): Promise<ResolvedAsset> {
    if (key === '') throw new AppError('store_query', 'cannot resolve an empty asset name')
    const symbols = await this.listAssetSymbols()
    for (const candidate of [key, wrappedSymbol(key)]) {
      if (candidate !== null && symbols.includes(candidate)) {
        const market = await this.market(candidate)
        return { symbol: candidate, marketId: market?.marketId ?? market?.marketName ?? candidate.toUpperCase() }
      }
    }
    const markets = await Promise.all(symbols.map(async (symbol) => ({ symbol, market: await this.market(symbol) })))
    for (const { symbol, market } of markets) {
      if (market !== null && (market.marketId?.toLowerCase() === key || market.marketName?.toLowerCase() === key)) {
        return { symbol, marketId: market.marketId ?? market.marketName ?? symbol.toUpperCase() }
      }
    }
    const prefix = this.names.prefix('positions')
    throw new AppError(
      'store_query',
      `cannot resolve asset ${JSON.stringify(display)}: no table ${prefix}${key} and no positions table with market_id or market_name ${JSON.stringify(display)}`,
      { details: { asset: display } },
    )
  }

  /** The first market_id / market_name of a positions table; tables without market_name still answer. */
  private async market(symbol: string): Promise<MarketInfo | null> {
    const table = this.names.table('positions', symbol)
    let rows: Row[] | null
    try {
      rows = await this.read('resolveSymbol', table, (dialect) => sql.marketStatement(dialect, table, true))
    } catch (error) {
      if (!isMissingColumn(error)) throw error
      rows = await this.read('resolveSymbol', table, (dialect) => sql.marketStatement(dialect, table, false))
    }
    const row = rows?.[0]
    if (row === undefined) return null
    return { marketId: nonEmptyText(row.market_id), marketName: nonEmptyText(row.market_name) }
  }

  private async readTransactions(
    kind: TransactionKind,
    symbol: string,
    range: TimeRange,
    wallet: string | null,
    test: boolean,
    problems: RowProblem[],
  ): Promise<Transaction[]> {
    const table = this.names.table(kind === 'deposit' ? 'deposits' : 'withdrawals', symbol, test)
    const rows = await this.read('transactions', table, (dialect) => sql.transactionsStatement(dialect, table, range, wallet))
    return (rows ?? []).flatMap((row) => toTransaction(row, kind, sql.tableLabel(table), problems))
  }

  private priceTable(source: StorePriceSource, symbol: string): TableRef {
    const provider = String(source).toLowerCase()
    if (provider === 'greptime(liqwid)') return this.names.table('positions', symbol)
    if (provider === 'greptime(minswap)') return this.names.table('minswap', symbol)
    throw new AppError('internal', `unknown store price source ${JSON.stringify(source)}`)
  }

  private async listTables(namespace: string | null): Promise<string[]> {
    const dialect = await this.client.dialect()
    let rows: Row[]
    try {
      rows = await this.client.query('listTables', sql.listTablesStatement(dialect, namespace), { retry: true })
    } catch (error) {
      if (isMissingTable(error)) return []
      throw error
    }
    // SHOW TABLES names its column `Tables` (or `Tables_in_<db>`): take the first column.
    return rows.map((row) => Object.values(row)[0]).filter((name): name is string => typeof name === 'string')
  }

  /** Runs a read; null when its table (or namespace) does not exist. */
  private async read(kind: string, table: TableRef, statement: (dialect: sql.Dialect) => string): Promise<Row[] | null> {
    const text = statement(await this.client.dialect())
    try {
      return await this.client.query(`${kind} ${sql.tableLabel(table)}`, text, { retry: true })
    } catch (error) {
      if (isMissingTable(error)) return null
      throw error
    }
  }
}

function perWallet(rows: Row[] | null): Map<string, Series> {
  const byWallet = new Map<string, { ts: number[]; values: number[] }>()
  for (const row of rows ?? []) {
    const at = toNumber(row.ts)
    const wallet = row.wallet_address
    if (at === null || typeof wallet !== 'string' || wallet === '') continue
    let series = byWallet.get(wallet)
    if (series === undefined) {
      series = { ts: [], values: [] }
      byWallet.set(wallet, series)
    }
    series.ts.push(at)
    series.values.push(toNumber(row.usd) ?? 0)
  }
  // The database's collation may order differently from code points; the contract is code points.
  return new Map([...byWallet.entries()].sort(([a], [b]) => compareText(a, b)))
}

function toTransaction(row: Row, kind: TransactionKind, table: string, problems: RowProblem[]): Transaction[] {
  const ts = toNumber(row.ts)
  const amount = toNumber(row.amount)
  const wallet = typeof row.wallet_address === 'string' ? row.wallet_address : ''
  const reason =
    ts === null
      ? 'ts is NULL'
      : wallet.trim() === ''
        ? 'wallet_address is NULL or empty'
        : row.amount === null || row.amount === undefined
          ? 'amount is NULL'
          : amount === null
            ? 'amount is not a number'
            : amount === 0
              ? 'amount is zero'
              : null
  if (reason !== null || ts === null || amount === null) {
    problems.push({ table, ts, reason: reason ?? 'unreadable row' })
    return []
  }
  const magnitude = Math.abs(amount)
  return [
    {
      ts,
      createdAt: toNumber(row.created_at) ?? ts,
      wallet,
      marketId: typeof row.market_id === 'string' ? row.market_id : '',
      kind,
      amount: kind === 'withdrawal' ? -magnitude : magnitude,
      notes: typeof row.notes === 'string' ? row.notes : null,
    },
  ]
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null
  const number = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(number) ? number : null
}

function nonEmptyText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
