/**
 * `GET /api/history?asset=&from=&to=&limit=`: the decision history rows of one asset (or every
 * asset without `asset`) in [from, to], oldest first. `from`/`to` are ISO-8601 date-times (naive
 * ones in settings.timezone); by default the last 24 hours. USD amounts (withdrawable, W_max, gain,
 * position, gate residual and threshold) are only shown to an authenticated caller, like the
 * per-wallet values of /api/decisions; decisions, reasons and prices are public.
 */
import type { Context } from 'hono'
import type { Config } from '../config/resolve.ts'
import { parseIsoDateTime } from '../config/fields.ts'
import { instantOf } from '../config/time.ts'
import { DECISION_LABEL, type EpochMs } from '../engine/types.ts'
import { AppError } from '../errors.ts'
import type { DecisionRecord } from '../history/record.ts'
import { type DecisionHistory, MAX_HISTORY_ROWS } from '../history/store.ts'
import type { Viewer } from './present.ts'

const DEFAULT_SPAN_MS = 24 * 3_600_000

export interface HistoryRequest {
  readonly asset: string | null
  readonly from: EpochMs
  readonly to: EpochMs
  readonly limit: number
}

function instantParameter(name: string, value: string | undefined, zone: string): EpochMs | null {
  if (value === undefined || value.trim() === '') return null
  if (parseIsoDateTime(value) === null)
    throw new AppError(
      'bad_request',
      `${name} must be an ISO-8601 date or date-time like 2026-11-27T06:00:00Z (got ${JSON.stringify(value.slice(0, 40))})`,
    )
  return instantOf(value, zone)
}

export function parseHistoryRequest(config: Config, query: (name: string) => string | undefined, now: EpochMs): HistoryRequest {
  const asset = query('asset')?.trim().toLowerCase() || null
  if (asset !== null && !config.domain.assets.includes(asset))
    throw new AppError('bad_request', `unknown asset '${asset}' (configured: ${config.domain.assets.join(', ')})`)
  const zone = config.settings.timezone
  const to = instantParameter('to', query('to'), zone) ?? now
  const from = instantParameter('from', query('from'), zone) ?? to - DEFAULT_SPAN_MS
  if (from > to) throw new AppError('bad_request', 'from must not be after to')
  const limitText = query('limit')
  const limit = limitText === undefined ? MAX_HISTORY_ROWS : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_ROWS)
    throw new AppError('bad_request', `limit must be an integer from 1 to ${MAX_HISTORY_ROWS}`)
  return { asset, from, to, limit }
}

export function historyRowJson(record: DecisionRecord, viewer: Viewer) {
  const amount = (value: number | null) => (viewer.authenticated ? value : null)
  return {
    ts: new Date(record.ts).toISOString(),
    asset: record.asset,
    decision: record.decision,
    decision_label: DECISION_LABEL[record.decision],
    reason_code: record.reasonCode,
    reason_text: record.reasonText,
    withdrawable_usd: amount(record.withdrawableUsd),
    wmax_usd: amount(record.wmaxUsd),
    g_usd: amount(record.gUsd),
    v_t1_usd: amount(record.vT1Usd),
    price_t1_usd: record.priceT1Usd,
    gate_residual_usd: amount(record.gateResidualUsd),
    gate_threshold_usd: amount(record.gateThresholdUsd),
    price_delta_rel: record.priceDeltaRel,
    evaluation_duration_ms: record.durationMs,
    origin: record.origin,
  }
}

export async function historyJson(c: Context, config: Config, history: DecisionHistory | null, viewer: Viewer, now: EpochMs) {
  if (history === null) throw new AppError('bad_request', 'the decision history is disabled (history.enabled: false)')
  const request = parseHistoryRequest(config, (name) => c.req.query(name), now)
  const read = await history.read(request)
  return {
    asset: request.asset,
    from: new Date(request.from).toISOString(),
    to: new Date(request.to).toISOString(),
    count: read.records.length,
    amounts: viewer.authenticated,
    rows: read.records.map((record) => historyRowJson(record, viewer)),
    skipped_rows: read.problems,
  }
}
