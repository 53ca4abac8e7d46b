/**
 * `collect --once`: one collector tick, then one line per wallet and asset written, e.g.
 *   usdc addr1q9…: units=1234.56789012 price_usd=0.99986 usd=1234.40 (qtokens=5791234567)
 * and one line per wallet or asset that could not be collected. Exit code 0 when every wallet
 * and asset was written (or already was), 1 when a source or a write failed; a configuration
 * that cannot collect never gets here (exit 2 from main).
 */
import type { TickReport } from '../collector/collector.ts'
import { AppError } from '../errors.ts'
import type { Services } from '../services.ts'

export function collectLines(report: TickReport): string[] {
  const lines = [
    `tick ${new Date(report.tick).toISOString()}: ${report.outcome} (${report.written.length} rows written, ${report.skipped} already there)`,
  ]
  for (const entry of report.written) {
    const { row } = entry
    lines.push(
      `${entry.asset} ${entry.wallet}: units=${entry.unitsText} price_usd=${row.priceUsd} usd=${row.usdValue?.toFixed(2)} (market=${entry.marketId}, qtokens=${entry.qTokens})`,
    )
  }
  for (const problem of report.problems) lines.push(`${problem.asset ?? '*'} ${problem.wallet ?? '*'}: not collected: ${problem.reason}`)
  return lines
}

export async function runCollectOnce(services: Services, write: (line: string) => void): Promise<number> {
  if (services.collector === null) throw new AppError('internal', 'collect --once started without a collector')
  const report = await services.collector.collectTick()
  for (const line of collectLines(report)) write(line)
  return report.outcome === 'success' || report.outcome === 'skipped' ? 0 : 1
}
