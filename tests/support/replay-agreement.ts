/**
 * A replay's row at an instant must be what `--once --now <instant>` says on the same data (the
 * same `evaluate` over the store as of that instant, store prices only): decision and reason
 * exactly, amounts to 1e-9 relative. Returns every disagreement, one line each.
 */
import type { Config } from '../../src/config/resolve.ts'
import type { EpochMs } from '../../src/engine/types.ts'
import { evaluate } from '../../src/evaluation/evaluate.ts'
import { readerAsOf } from '../../src/evaluation/reader.ts'
import { type ReplayRequest, type ReplayResult, type ReplayRow, replay, replayRow } from '../../src/replay/replay.ts'
import type { SpanReader } from '../../src/replay/span.ts'
import { storePriceSources } from '../../src/sources/configured.ts'

export async function onceAsOf(config: Config, reader: SpanReader, at: EpochMs): Promise<ReplayRow[]> {
  const asOf = readerAsOf(reader, at)
  const result = await evaluate(config, { reader: asOf, prices: storePriceSources(config, asOf) }, at, null)
  return result.assets.map((entry) => replayRow(at, entry))
}

export async function replayDisagreements(
  config: Config,
  reader: SpanReader,
  request: ReplayRequest,
): Promise<{ replayed: ReplayResult; problems: string[] }> {
  const replayed = await replay(config, reader, request)
  const problems: string[] = []
  for (const at of replayed.instants) {
    const expected = await onceAsOf(config, reader, at)
    const got = replayed.rows.filter((row) => row.at === at)
    problems.push(...rowDifferences(expected, got).map((problem) => `${new Date(at).toISOString()} ${problem}`))
  }
  return { replayed, problems }
}

const NUMBERS = ['withdrawableUsd', 'wmaxUsd', 'gUsd', 'gateResidualUsd', 'gateThresholdUsd', 'priceDeltaRel'] as const

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

export function rowDifferences(expected: readonly ReplayRow[], got: readonly ReplayRow[]): string[] {
  if (expected.length !== got.length) return [`${got.length} rows, expected ${expected.length}`]
  const problems: string[] = []
  expected.forEach((want, index) => {
    const row = got[index]!
    const where = want.asset
    if (row.asset !== want.asset || row.decision !== want.decision || row.reason !== want.reason)
      problems.push(`${where}: ${row.asset} decision=${row.decision} [${row.reason}], expected decision=${want.decision} [${want.reason}]`)
    for (const key of NUMBERS) if (!close(row[key], want[key])) problems.push(`${where}: ${key} ${row[key]}, expected ${want[key]}`)
    const wallets = new Set([...Object.keys(want.withdrawableByWallet), ...Object.keys(row.withdrawableByWallet)])
    for (const wallet of wallets)
      if (!close(row.withdrawableByWallet[wallet] ?? null, want.withdrawableByWallet[wallet] ?? null))
        problems.push(`${where}: wallet ${wallet} withdrawable ${row.withdrawableByWallet[wallet]}, expected ${want.withdrawableByWallet[wallet]}`)
  })
  return problems
}
