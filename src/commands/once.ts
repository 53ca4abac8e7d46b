/**
 * `--once`: one evaluation, one line per asset on stdout in the seed's format, e.g.
 *   djed: decision=1, wmax_usd=1234.56 (3 wallets)
 *   usdm: decision=0, wmax_usd=0.00 (2 wallets) [reason: non-positive gains since t0 (clamped)]
 * with the reason on every HOLD and ERROR. Exit code 0 when no asset is ERROR, else 1.
 */
import type { AssetEvaluation } from '../evaluation/result.ts'
import type { Services } from '../services.ts'

/**
 * Two decimals like Python's `{:.2f}`: correctly rounded, ties to even. A value can only sit
 * exactly halfway between two cents when it is an odd multiple of 1/8 (0.125, 0.375, …), where
 * JavaScript's toFixed would round up.
 */
export function formatCents(value: number): string {
  const eighths = value * 8
  if (Number.isInteger(eighths) && !Number.isInteger(value * 4)) {
    const down = Math.floor(value * 100) / 100
    const up = down + 0.01
    return (Math.round(down * 100) % 2 === 0 ? down : up).toFixed(2)
  }
  return value.toFixed(2)
}

export function onceLine(entry: AssetEvaluation): string {
  const { decision } = entry
  const count = decision.wallets.length
  let line = `${entry.asset}: decision=${decision.decision}, wmax_usd=${formatCents(decision.wmaxUsd)}`
  if (count > 0) line += ` (${count} ${count === 1 ? 'wallet' : 'wallets'})`
  if (decision.decision !== 1 && decision.reason) line += ` [reason: ${decision.reason}]`
  return line
}

export async function runOnce(services: Services, write: (line: string) => void): Promise<number> {
  const result = await services.runEvaluation()
  if (result === null) return 1
  for (const entry of result.assets) write(onceLine(entry))
  return result.hasErrors ? 1 : 0
}
