/**
 * One golden `evaluate_once` case through the real service path: the case's rows written into a
 * real store (PostgreSQL or the embedded one) by the StoreWriter, its parameters loaded through the
 * real config schema (config-tree.ts), and the real `evaluate(config, deps, now)` run at the case's
 * instant with the real reader and price sources (greptime providers over the store, no live
 * endpoint). A case whose `expected` is a list runs that many evaluations, each given the previous
 * result (its mismatch streaks), as a long-running service does.
 *
 * Rows are stored as the case gives them: withdrawals keep their sign (the predecessor's tables
 * hold either), a missing created_at / market_id stays NULL / becomes the market of the table.
 * Each case gets its own table prefixes (the caller's `tag`), so one store serves a whole file.
 */
import type { Config } from '../../../src/config/resolve.ts'
import { ConfigError, loadConfigTree } from '../../../src/config/load.ts'
import type { AssetDecision } from '../../../src/engine/decision.ts'
import { evaluate } from '../../../src/evaluation/evaluate.ts'
import type { EvaluationResult } from '../../../src/evaluation/result.ts'
import { storePriceSources } from '../../../src/sources/configured.ts'
import { canonicalMinswapAsset } from '../../../src/sources/prices.ts'
import { replayDisagreements } from '../replay-agreement.ts'
import type { StoreClient } from '../../../src/store/client.ts'
import { StoreReader } from '../../../src/store/reader.ts'
import { type Dialect, instantLiteral, numberLiteral, tableSql, textLiteral } from '../../../src/store/sql.ts'
import type { TableRef } from '../../../src/store/types.ts'
import { StoreWriter } from '../../../src/store/writer.ts'
import { type EvaluateCase, expectedRuns, ms, type TransactionRow } from './cases.ts'
import { caseTableNames, configTreeFromCase } from './config-tree.ts'

export type StoreCaseOutcome =
  /** one record of decisions per run, keyed by asset */
  | { readonly kind: 'evaluated'; readonly runs: Record<string, AssetDecision>[]; readonly problems: string[] }
  /** our strict schema refused the mapped configuration (an empty asset list, for one) */
  | { readonly kind: 'config_refused'; readonly error: ConfigError }

/** Stand-in for the minswap "latest price" of a case without a series: after every window read (which ends at now). */
const LATEST_ONLY_OFFSET_MS = 1

export async function evaluateCaseInStore(testCase: EvaluateCase, client: StoreClient, tag: string): Promise<StoreCaseOutcome> {
  const tables = caseTableNames(tag)
  await writeCaseRows(testCase, new StoreWriter(client, tables), client)

  let config: Config
  try {
    config = loadConfigTree(configTreeFromCase(testCase, tables), {}, `golden case ${testCase.name}`).config
  } catch (error) {
    if (error instanceof ConfigError) return { kind: 'config_refused', error }
    throw error
  }
  // A separate reader for the checks, so the evaluation starts with a cold resolution cache.
  const problems = await storeConsistency(testCase, config, new StoreReader(client, tables))

  const reader = new StoreReader(client, tables)
  const deps = { reader, prices: storePriceSources(config, reader) }
  const now = ms(testCase.inputs.now_utc)
  const runs: Record<string, AssetDecision>[] = []
  let previous: EvaluationResult | null = null
  for (let run = 0; run < expectedRuns(testCase).length; run++) {
    const result: EvaluationResult = await evaluate(config, deps, now, previous)
    previous = result
    runs.push(Object.fromEntries(result.assets.map((entry) => [entry.asset, entry.decision])))
  }
  // The replay of the case's instant must say what --once --now says on the same rows.
  const { problems: replayProblems } = await replayDisagreements(config, reader, { from: now, to: now, everyMs: 1 })
  problems.push(...replayProblems.map((problem) => `replay disagrees with --once --now: ${problem}`))
  return { kind: 'evaluated', runs, problems }
}

async function writeCaseRows(testCase: EvaluateCase, writer: StoreWriter, client: StoreClient): Promise<void> {
  const { inputs, parameters } = testCase
  const market = (symbol: string) => symbol.toUpperCase()
  // Every symbol the resolver knows has its supply table (an ingester creates it), rows or not:
  // the store's resolver finds names through their tables.
  const configured = parameters.assets.map((asset) => inputs.resolver_map[asset.trim().toLowerCase()])
  const symbols = new Set([...configured.filter((s): s is string => s !== undefined), ...Object.keys(inputs.positions)])
  for (const symbol of symbols) {
    await writer.ensurePositionsTable(symbol)
    await writer.ensureTransactionTables(symbol)
    const rows = inputs.positions[symbol] ?? []
    await writer.insertPositions(
      symbol,
      rows.map((row) => ({
        ts: ms(row.ts),
        wallet: row.wallet,
        marketId: market(symbol),
        marketName: market(symbol),
        units: row.underlying_units ?? null,
        priceUsd: row.price_usd ?? null,
        usdValue: row.usd_value ?? null,
      })),
    )
  }
  for (const [kind, bySymbol] of [
    ['deposits', inputs.deposits],
    ['withdrawals', inputs.withdrawals],
  ] as const) {
    for (const [symbol, rows] of Object.entries(bySymbol)) {
      if (rows.length === 0) continue
      await writer.ensureTransactionTables(symbol)
      await client.query(`golden ${kind}`, insertTransactionsAsGiven(await client.dialect(), writer.target(kind, symbol), rows, market(symbol)))
    }
  }
  for (const [name, rows] of minswapRows(testCase)) await writer.insertMinswapPrices(name, rows)
}

/**
 * The writer normalizes signs (withdrawals −|amount|); the golden tables hold them as the
 * predecessor found them, so these rows go in verbatim, built with the store's own literals.
 */
function insertTransactionsAsGiven(dialect: Dialect, table: TableRef, rows: readonly TransactionRow[], market: string): string {
  const text = (value: string | null | undefined) => (value === null || value === undefined ? 'NULL' : textLiteral(value))
  const instant = (value: string | null | undefined) => (value ? instantLiteral(dialect, ms(value)) : 'NULL')
  // a DOUBLE column cannot hold text: a non-numeric amount is stored as NULL (read back as skipped)
  const amount = (value: number | string | null) => {
    const number = value === null ? Number.NaN : Number(value)
    return Number.isFinite(number) ? numberLiteral(number) : 'NULL'
  }
  const tuples = rows.map(
    (row) =>
      `(${instant(row.ts)}, ${instant(row.created_at)}, ${text(row.wallet)}, ${text(row.market_id === undefined ? market : row.market_id)}, ${amount(row.amount)}, ${text(row.notes)})`,
  )
  return `INSERT INTO ${tableSql(dialect, table)} (ts, created_at, wallet_address, market_id, amount, notes) VALUES ${tuples.join(', ')}`
}

/**
 * `minswap.minswap_prices_<sym>`: the case's series, and its latest price (`minswap:<sym>`) as one
 * more row after `now` when the series does not already end on it — so the latest-price read
 * finds it and no window read (they end at now) sees it.
 */
function minswapRows(testCase: EvaluateCase): Map<string, { ts: number; priceUsd: number | null; adaUsd: number | null }[]> {
  const { inputs } = testCase
  const tables = new Map<string, { ts: number; priceUsd: number | null; adaUsd: number | null }[]>()
  for (const [name, series] of Object.entries(inputs.minswap_price_series)) {
    tables.set(
      name,
      series.map((point) => ({ ts: ms(point.ts), priceUsd: point.price_usd, adaUsd: adaOf(point) })),
    )
  }
  for (const [key, price] of Object.entries(inputs.latest_prices_by_db_symbol)) {
    const [database, name] = splitPriceKey(key)
    if (database !== 'minswap' || price === null) continue
    const rows = tables.get(name) ?? []
    const priced = rows.filter((row) => row.priceUsd !== null).sort((a, b) => a.ts - b.ts)
    if (priced.at(-1)?.priceUsd !== price) rows.push({ ts: ms(inputs.now_utc) + LATEST_ONLY_OFFSET_MS, priceUsd: price, adaUsd: null })
    tables.set(name, rows)
  }
  return tables
}

function adaOf(point: object): number | null {
  const ada = (point as { ada_usd?: unknown }).ada_usd
  return typeof ada === 'number' ? ada : null
}

function splitPriceKey(key: string): [database: string, symbol: string] {
  const colon = key.indexOf(':')
  return [key.slice(0, colon).toLowerCase(), key.slice(colon + 1)]
}

/**
 * What a real store cannot be made to say differently from the case: the latest prices the case
 * declares must be what the greptime providers read, and a name the case cannot resolve must not
 * resolve through the store either.
 */
async function storeConsistency(testCase: EvaluateCase, config: Config, reader: StoreReader): Promise<string[]> {
  const { inputs, parameters } = testCase
  const problems: string[] = []
  const keys = new Set(Object.keys(inputs.latest_prices_by_db_symbol))
  if (parameters.price_compare.enabled) {
    for (const asset of Object.keys(config.resolved.assets)) {
      const symbol = inputs.resolver_map[asset]
      if (symbol === undefined) continue
      keys.add(`liqwid:${symbol}`)
      keys.add(`minswap:${canonicalMinswapAsset(asset)}`)
    }
  }
  for (const key of keys) {
    const [database, symbol] = splitPriceKey(key)
    const provider = database === 'liqwid' ? 'greptime(liqwid)' : database === 'minswap' ? 'greptime(minswap)' : null
    if (provider === null) continue
    const stored = (await reader.latestPrice(provider, symbol))?.priceUsd ?? null
    const declared = inputs.latest_prices_by_db_symbol[key] ?? null
    if (stored !== declared)
      problems.push(`case data: latest_prices_by_db_symbol ${key} is ${declared}, but the store's latest ${provider} price is ${stored}`)
  }
  for (const asset of Object.keys(config.resolved.assets)) {
    if (inputs.resolver_map[asset] !== undefined) continue
    const resolved = await reader.resolveSymbol(asset).then(
      (found) => found.symbol,
      () => null,
    )
    if (resolved !== null) problems.push(`case data: '${asset}' must not resolve, but the store resolves it to ${resolved}`)
  }
  return problems
}
