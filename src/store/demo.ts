/**
 * The demo market (`--demo`): a synthetic Liqwid dataset written through the writers so a new
 * user sees every state at once — djed healthy (withdraw), usdm with negative gains since its
 * reference (a price drop), usdc rising without a transaction since three hours before the store
 * was created (the residual gate holds), usdt whose Minswap price is ~2 % off the Liqwid price
 * (price-compare mismatch). Those states hold whatever the hour the store is created at and for the
 * six hours it lives before it is regenerated (tests/store/demo-states.test.ts).
 *
 * 30 days of 15-minute samples ending at `now`; while serving, `appendDemoSample` adds the
 * samples since the last stored one, continuing the same deterministic pattern (synthetic.ts).
 * The same writer path produces benchmark workloads (`tests/bench/gen-workload.ts`).
 *
 * A seed or an append is one transaction: a reader (or a `--once` next to a server) sees the
 * whole dataset or none of it, and two processes appending at once cannot both write a sample
 * (the second re-reads the last sample after the first committed).
 */

import type { EpochMs } from '../engine/types.ts'
import { AppError } from '../errors.ts'
import {
  DAY_MS,
  DEMO_ASSETS,
  MINUTE_MS,
  type SyntheticAssetSpec,
  type SyntheticWindow,
  alignDown,
  generateAsset,
  walletAddress,
} from './synthetic.ts'
import type { StoreWriter } from './writer.ts'

export const DEMO_SEED = 'alert-orchestrator-demo'
export const DEMO_DAYS = 30
export const DEMO_STEP_MS = 15 * MINUTE_MS
export const DEMO_KEYWORD = 'alert_driven'

export interface DemoOptions {
  readonly now: EpochMs
  /** the reference keyword written into tagged withdrawals (config `reference.keyword`) */
  readonly keyword?: string
  /** drop the demo tables first (a fresh dataset ending at `now`) */
  readonly replace?: boolean
}

export interface WrittenRows {
  positions: number
  deposits: number
  withdrawals: number
  minswap: number
}

export interface DemoStatus {
  /** every demo asset has positions */
  readonly exists: boolean
  /** the oldest "last sample" over the demo assets; null when none exists */
  readonly lastTs: EpochMs | null
  /** now − lastTs */
  readonly staleMs: number | null
}

/** Writes the whole demo dataset: 30 days ending at `now` (aligned down to 15 minutes). */
export function seedDemo(writer: StoreWriter, options: DemoOptions): Promise<WrittenRows> {
  return writer.transaction((tx) => seedInTransaction(tx, options))
}

async function seedInTransaction(writer: StoreWriter, options: DemoOptions): Promise<WrittenRows> {
  const anchor = alignDown(options.now, DEMO_STEP_MS)
  for (const spec of DEMO_ASSETS) {
    if (options.replace) await writer.dropTables(spec.symbol)
    else if ((await writer.timespan('positions', spec.symbol)) !== null) {
      const table = writer.target('positions', spec.symbol).name
      throw new AppError('conflict', `demo data already exists in ${table}: seed with replace, or append with appendDemoSample`)
    }
  }
  const written = emptyCount()
  for (const spec of DEMO_ASSETS) {
    addCounts(written, await writeSyntheticAsset(writer, spec, demoWindow(seedStart(anchor), anchor, null, options.keyword)))
  }
  return written
}

/** Adds every sample between the last stored one and `now`; a missing asset is seeded. */
export function appendDemoSample(writer: StoreWriter, now: EpochMs, keyword?: string): Promise<WrittenRows> {
  return writer.transaction((tx) => appendInTransaction(tx, now, keyword))
}

async function appendInTransaction(writer: StoreWriter, now: EpochMs, keyword?: string): Promise<WrittenRows> {
  const end = alignDown(now, DEMO_STEP_MS)
  const written = emptyCount()
  for (const spec of DEMO_ASSETS) {
    const span = await writer.timespan('positions', spec.symbol)
    if (span !== null && span.last >= end) continue
    // The seed's first sample fixes both the balances and where its scripted features sit.
    const window =
      span === null ? demoWindow(seedStart(end), end, null, keyword) : demoWindow(span.first, seedAnchor(span.first), span.last, keyword, end)
    addCounts(written, await writeSyntheticAsset(writer, spec, window))
  }
  return written
}

export async function demoStatus(writer: StoreWriter, now: EpochMs): Promise<DemoStatus> {
  const spans = await Promise.all(DEMO_ASSETS.map((spec) => writer.timespan('positions', spec.symbol)))
  const present = spans.filter((span) => span !== null)
  const lastTs = present.length === 0 ? null : Math.min(...present.map((span) => span.last))
  return { exists: present.length === DEMO_ASSETS.length, lastTs, staleMs: lastTs === null ? null : now - lastTs }
}

/** Generates one asset's rows for `window` and writes them; the demo and the workloads share it. */
export async function writeSyntheticAsset(writer: StoreWriter, spec: SyntheticAssetSpec, window: SyntheticWindow): Promise<WrittenRows> {
  const wallets = Array.from({ length: spec.walletCount }, (_, index) => walletAddress(window.seed, index))
  const data = generateAsset(spec, wallets, window)
  await Promise.all([writer.ensurePositionsTable(spec.symbol), writer.ensureTransactionTables(spec.symbol), writer.ensureMinswapTable(spec.symbol)])
  // Transactions before positions: a reader never sees a unit jump without its transaction.
  const deposits = await writer.insertTransactions(spec.symbol, 'deposit', data.deposits)
  const withdrawals = await writer.insertTransactions(spec.symbol, 'withdrawal', data.withdrawals)
  const minswap = await writer.insertMinswapPrices(spec.symbol, data.minswap)
  const positions = await writer.insertPositions(spec.symbol, data.positions)
  return { positions, deposits, withdrawals, minswap }
}

const SAMPLES = (DEMO_DAYS * DAY_MS) / DEMO_STEP_MS

function seedStart(anchor: EpochMs): EpochMs {
  return anchor - (SAMPLES - 1) * DEMO_STEP_MS
}

function seedAnchor(start: EpochMs): EpochMs {
  return start + (SAMPLES - 1) * DEMO_STEP_MS
}

function demoWindow(start: EpochMs, anchor: EpochMs, after: EpochMs | null, keyword = DEMO_KEYWORD, end = anchor): SyntheticWindow {
  return { seed: DEMO_SEED, stepMs: DEMO_STEP_MS, start, anchor, end, after, keyword }
}

function emptyCount(): WrittenRows {
  return { positions: 0, deposits: 0, withdrawals: 0, minswap: 0 }
}

function addCounts(total: WrittenRows, more: WrittenRows): void {
  total.positions += more.positions
  total.deposits += more.deposits
  total.withdrawals += more.withdrawals
  total.minswap += more.minswap
}
