/**
 * The decision over history: every configured asset evaluated at `from, from + every, …, ≤ to`
 * by the same `evaluate` a live cycle runs, each instant seeing only what a live evaluation at that
 * instant would have seen (sliced-reader.ts), the price-mismatch streaks carried from one instant
 * to the next as in a live run. Live APIs are never called: prices come from the store's series.
 */
import type { Config } from '../config/resolve.ts'
import type { EpochMs } from '../engine/types.ts'
import { evaluate } from '../evaluation/evaluate.ts'
import { explainDecision } from '../engine/reasons.ts'
import { readerAsOf } from '../evaluation/reader.ts'
import type { AssetEvaluation, EvaluationResult } from '../evaluation/result.ts'
import { storePriceSources } from '../sources/configured.ts'
import { type AssetSpan, readAssetSpan, type SpanReader } from './span.ts'
import { type SpanSet, slicedReader } from './sliced-reader.ts'

export interface ReplayRequest {
  readonly from: EpochMs
  readonly to: EpochMs
  readonly everyMs: number
  /** the evaluation instants are capped so a typo in --every cannot run for hours */
  readonly maxInstants?: number
}

/** One asset at one instant: what `--once --now <instant>` prints for it, and the numbers behind it. */
export interface ReplayRow {
  readonly at: EpochMs
  readonly asset: string
  readonly decision: -1 | 0 | 1
  /** the deciding cause's stable code (src/engine/reasons.ts; 'ok' for WITHDRAW_OK), as in the history */
  readonly reasonCode: string
  /** the code of every cause, the deciding one first ([] for WITHDRAW_OK) */
  readonly reasonCodes: readonly string[]
  readonly reason: string | null
  /** what the decision allows now: Σ W_max on WITHDRAW_OK, else 0 */
  readonly withdrawableUsd: number
  readonly wmaxUsd: number
  readonly gUsd: number | null
  readonly gateResidualUsd: number | null
  readonly gateThresholdUsd: number | null
  readonly priceDeltaRel: number | null
  /** per wallet W_max (WITHDRAW_OK only; empty otherwise) */
  readonly withdrawableByWallet: Readonly<Record<string, number>>
}

export interface ReplayResult {
  readonly instants: readonly EpochMs[]
  readonly rows: readonly ReplayRow[]
  readonly durationMs: number
}

export const DEFAULT_MAX_INSTANTS = 100_000

/** The configuration narrowed to `assets` (configured ones, in the configuration's order). */
export function onlyAssets(config: Config, assets: readonly string[]): Config {
  const chosen = Object.entries(config.resolved.assets).filter(([asset]) => assets.includes(asset))
  return { ...config, resolved: { ...config.resolved, assets: Object.fromEntries(chosen) } }
}

export function replayInstants(request: ReplayRequest): EpochMs[] {
  const instants: EpochMs[] = []
  const max = request.maxInstants ?? DEFAULT_MAX_INSTANTS
  for (let at = request.from; at <= request.to; at += request.everyMs) {
    if (instants.length === max) throw new RangeError(`more than ${max} instants from --from to --to every ${request.everyMs} ms`)
    instants.push(at)
  }
  return instants
}

/** Each instant's whole evaluation, as a live cycle would have produced it (for --write-history). */
export type EvaluationListener = (result: EvaluationResult) => void

export async function replay(config: Config, reader: SpanReader, request: ReplayRequest, onEvaluation?: EvaluationListener): Promise<ReplayResult> {
  const started = performance.now()
  const instants = replayInstants(request)
  const spans = await readSpans(config, reader, instants)
  const rows: ReplayRow[] = []
  let previous: EvaluationResult | null = null
  for (const instant of instants) {
    const sliced = slicedReader(spans, instant, readerAsOf(reader, instant))
    previous = await evaluate(config, { reader: sliced, prices: storePriceSources(config, sliced) }, instant, previous)
    onEvaluation?.(previous)
    for (const entry of previous.assets) rows.push(replayRow(instant, entry))
  }
  return { instants, rows, durationMs: performance.now() - started }
}

async function readSpans(config: Config, reader: SpanReader, instants: readonly EpochMs[]): Promise<SpanSet> {
  const assets = Object.keys(config.resolved.assets)
  const spans = await Promise.all(assets.map((asset) => readAssetSpan(config, reader, asset, instants)))
  const byAsset = new Map<string, AssetSpan>(assets.map((asset, index) => [asset, spans[index]!]))
  const bySymbol = new Map<string, Extract<AssetSpan, { ok: true }>>()
  for (const span of spans) if (span.ok) bySymbol.set(span.symbol, span)
  return { byAsset, bySymbol }
}

export function replayRow(at: EpochMs, entry: AssetEvaluation): ReplayRow {
  const { decision } = entry
  const allowed = decision.decision === 1
  const reasonCodes = [...new Set(explainDecision(decision).map((reason) => reason.code))]
  return {
    at,
    asset: entry.asset,
    decision: decision.decision,
    reasonCode: reasonCodes[0] ?? 'ok',
    reasonCodes,
    reason: decision.reason,
    withdrawableUsd: allowed ? decision.wmaxUsd : 0,
    wmaxUsd: decision.wmaxUsd,
    gUsd: decision.gUsd,
    gateResidualUsd: decision.gate?.rNow ?? null,
    gateThresholdUsd: decision.gate?.thresholds?.upper ?? null,
    priceDeltaRel: decision.priceCompare?.deltaRel ?? null,
    withdrawableByWallet: allowed ? Object.fromEntries(decision.wallets.map((wallet) => [wallet.wallet, wallet.wmaxUsd])) : {},
  }
}
