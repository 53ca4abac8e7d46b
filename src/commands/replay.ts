/**
 * `alert-orchestrator replay`: the decision over history (src/replay/), printed as a summary table
 * or as every row and the summary (csv, json), to stdout or `--out FILE`. Exit code 0 when every
 * row evaluated, 1 when an asset was ERROR at some instant (as `--once`), 2 for bad arguments.
 */
import { writeFileSync } from 'node:fs'
import type { ReplayArguments } from '../cli.ts'
import { parseDurationMs } from '../config/fields.ts'
import type { Config } from '../config/resolve.ts'
import { instantOf } from '../config/time.ts'
import { AppError } from '../errors.ts'
import { log } from '../log.ts'
import { formatReplay, REPLAY_FORMATS, type ReplayFormat } from '../replay/format.ts'
import { type ReplayRequest, replay } from '../replay/replay.ts'
import { summarize } from '../replay/summary.ts'
import type { Services } from '../services.ts'

export interface ReplayPlan {
  readonly config: Config
  readonly request: ReplayRequest
  readonly format: ReplayFormat
  readonly out: string | null
}

/** The arguments checked against the configuration; a problem is a usage error (exit 2). */
export function planReplay(config: Config, args: ReplayArguments): ReplayPlan {
  const zone = config.settings.timezone
  const instant = (flag: string, text: string) => {
    try {
      return instantOf(text, zone)
    } catch {
      throw new AppError('usage', `--${flag} ${JSON.stringify(text)}: not an ISO date or date-time (naive times are in ${zone})`)
    }
  }
  const from = instant('from', args.from)
  const to = instant('to', args.to)
  if (from > to) throw new AppError('usage', `--from ${args.from} is after --to ${args.to}`)
  const everyMs = parseDurationMs(args.every)
  if (everyMs === null || everyMs <= 0) throw new AppError('usage', `--every ${JSON.stringify(args.every)}: a duration like 1h, 30m or 1d`)
  if (!(REPLAY_FORMATS as readonly string[]).includes(args.format))
    throw new AppError('usage', `--format ${JSON.stringify(args.format)}: use ${REPLAY_FORMATS.join(', ')}`)
  const configured = Object.keys(config.resolved.assets)
  const unknown = args.assets.filter((asset) => !configured.includes(asset))
  if (unknown.length > 0) throw new AppError('usage', `--asset ${unknown.join(', ')}: not configured (domain.assets: ${configured.join(', ')})`)
  const chosen = args.assets.length === 0 ? configured : configured.filter((asset) => args.assets.includes(asset))
  const assets = Object.fromEntries(chosen.map((asset) => [asset, config.resolved.assets[asset]!]))
  return {
    config: { ...config, resolved: { ...config.resolved, assets } },
    request: { from, to, everyMs },
    format: args.format as ReplayFormat,
    out: args.out,
  }
}

export async function runReplay(services: Services, plan: ReplayPlan, write: (text: string) => void): Promise<number> {
  const result = await replay(plan.config, services.store.reader, plan.request)
  const perInstantMs = result.instants.length === 0 ? 0 : result.durationMs / result.instants.length
  log.info('replay finished', {
    instants: result.instants.length,
    rows: result.rows.length,
    duration_ms: Math.round(result.durationMs),
    per_instant_ms: perInstantMs.toFixed(2),
  })
  const text = formatReplay(plan.format, result, summarize(result.rows))
  if (plan.out === null) write(text)
  else writeFileSync(plan.out, text)
  return result.rows.some((row) => row.decision === -1) ? 1 : 0
}
