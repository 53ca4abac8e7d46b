/**
 * `alert-orchestrator replay`: the decision over history (src/replay/), printed as a summary table
 * or as every row and the summary (csv, json), to stdout or `--out FILE`; with `--write-history`
 * the replayed rows also fill the decision history's empty slots (src/history/fill.ts). Exit code 0
 * when every row evaluated, 1 when an asset was ERROR at some instant (as `--once`), 2 for bad
 * arguments.
 */
import { writeFileSync } from 'node:fs'
import type { ReplayArguments } from '../cli.ts'
import { parseDurationMs } from '../config/fields.ts'
import type { Config } from '../config/resolve.ts'
import { instantOf } from '../config/time.ts'
import { AppError } from '../errors.ts'
import type { EpochMs } from '../engine/types.ts'
import type { EvaluationResult } from '../evaluation/result.ts'
import { HistoryFill } from '../history/fill.ts'
import { recordsOf } from '../history/record.ts'
import type { DecisionHistory } from '../history/store.ts'
import { log } from '../log.ts'
import { formatReplay, REPLAY_FORMATS, type ReplayFormat } from '../replay/format.ts'
import { onlyAssets, type ReplayRequest, replay } from '../replay/replay.ts'
import { summarize } from '../replay/summary.ts'
import type { Services } from '../services.ts'

export interface ReplayPlan {
  readonly config: Config
  readonly request: ReplayRequest
  readonly format: ReplayFormat
  readonly out: string | null
  readonly writeHistory: boolean
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
  if (args.writeHistory && !config.history.enabled)
    throw new AppError('usage', '--write-history: the decision history is disabled (history.enabled: false)')
  // The history records what the configured rule said; a tuned rule's rows would pass for it.
  if (args.writeHistory && args.sets.length > 0) throw new AppError('usage', '--write-history cannot be combined with --set')
  return {
    config: args.assets.length === 0 ? config : onlyAssets(config, args.assets),
    request: { from, to, everyMs },
    format: args.format as ReplayFormat,
    out: args.out,
    writeHistory: args.writeHistory,
  }
}

export async function runReplay(services: Services, plan: ReplayPlan, write: (text: string) => void, now: EpochMs = Date.now()): Promise<number> {
  const fill = plan.writeHistory ? await historyFill(services.history, plan, now) : null
  const onEvaluation =
    fill === null
      ? undefined
      : (evaluation: EvaluationResult) => {
          for (const record of recordsOf(evaluation, 'replay')) fill.offer(record)
        }
  const result = await replay(plan.config, services.store.reader, plan.request, onEvaluation)
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
  if (fill !== null) await writeFilled(services.history!, fill)
  return result.rows.some((row) => row.decision === -1) ? 1 : 0
}

/** The slots the history already holds, read before the replay so only the new rows are kept. */
async function historyFill(history: DecisionHistory | null, plan: ReplayPlan, now: EpochMs): Promise<HistoryFill> {
  if (history === null) throw new AppError('usage', '--write-history: the decision history is disabled (history.enabled: false)')
  const { from, to, everyMs } = plan.request
  const assets = Object.keys(plan.config.resolved.assets)
  const stored = await Promise.all(assets.map((asset) => history.instants(asset, from - everyMs, to)))
  const keepFrom = now - plan.config.history.retention_days * 86_400_000
  return new HistoryFill({ stored: new Map(assets.map((asset, index) => [asset, stored[index]!])), everyMs, keepFrom, now })
}

async function writeFilled(history: DecisionHistory, fill: HistoryFill): Promise<void> {
  const { records, counts } = fill.result()
  await history.append(records)
  log.info('replayed rows written to the decision history', {
    table: history.table.name,
    written: records.length,
    per_asset: Object.entries(counts.written)
      .map(([asset, count]) => `${asset}:${count}`)
      .join(','),
    slots_already_recorded: counts.alreadyRecorded,
    skipped_before_retention: counts.beforeRetention,
    skipped_in_future: counts.inFuture,
  })
}
