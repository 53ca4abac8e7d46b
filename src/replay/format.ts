/**
 * A replay's output: `table` prints the per-asset summary for a person; `csv` and `json` print
 * every row and the summary, for a spreadsheet or a script. Amounts keep full precision in csv and
 * json (a replayed row equals `--once --now` on the same data to the last digit).
 */
import type { ReplayResult, ReplayRow } from './replay.ts'
import type { AssetSummary } from './summary.ts'

export const REPLAY_FORMATS = ['table', 'csv', 'json'] as const
export type ReplayFormat = (typeof REPLAY_FORMATS)[number]

const iso = (ms: number) => new Date(ms).toISOString()
const DECISION_NAME: Record<number, string> = { 1: 'WITHDRAW_OK', 0: 'HOLD', [-1]: 'ERROR' }

export function formatReplay(format: ReplayFormat, result: ReplayResult, summary: readonly AssetSummary[]): string {
  if (format === 'json') return `${JSON.stringify({ instants: result.instants.length, rows: result.rows.map(jsonRow), summary }, null, 2)}\n`
  if (format === 'csv') return csv(result.rows, summary)
  return table(result, summary)
}

function jsonRow(row: ReplayRow) {
  return {
    ts: iso(row.at),
    asset: row.asset,
    decision: row.decision,
    decision_name: DECISION_NAME[row.decision],
    reason_code: row.reasonCode,
    reason: row.reason,
    withdrawable_usd: row.withdrawableUsd,
    wmax_usd: row.wmaxUsd,
    g_usd: row.gUsd,
    gate_residual_usd: row.gateResidualUsd,
    gate_threshold_usd: row.gateThresholdUsd,
    price_delta_rel: row.priceDeltaRel,
  }
}

const CSV_COLUMNS = [
  'ts',
  'asset',
  'decision',
  'reason_code',
  'reason',
  'withdrawable_usd',
  'wmax_usd',
  'g_usd',
  'gate_residual_usd',
  'gate_threshold_usd',
  'price_delta_rel',
]

function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The rows, a blank line, then one summary line per asset and figure: reasons by code, then by kind. */
function csv(rows: readonly ReplayRow[], summary: readonly AssetSummary[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const row of rows) {
    const json = jsonRow(row)
    lines.push(CSV_COLUMNS.map((column) => csvField(json[column as keyof typeof json])).join(','))
  }
  lines.push('', 'section,asset,key,value')
  for (const entry of summary) {
    const put = (key: string, value: unknown) => lines.push(['summary', entry.asset, key, value].map(csvField).join(','))
    put('instants', entry.instants)
    put('share_withdraw_ok', entry.share.withdrawOk)
    put('share_hold', entry.share.hold)
    put('share_error', entry.share.error)
    put('transitions_to_withdraw_ok', entry.transitionsToWithdrawOk)
    put('withdrawn_at_transitions_usd', entry.withdrawnAtTransitionsUsd)
    for (const [wallet, amount] of Object.entries(entry.withdrawnAtTransitionsByWallet)) put(`withdrawn_at_transitions_usd:${wallet}`, amount)
    for (const { code, count } of entry.holdReasonCodes) put(`hold_reason_code:${code}`, count)
    for (const { code, count } of entry.errorReasonCodes) put(`error_reason_code:${code}`, count)
    for (const { reason, count } of entry.holdReasons) put(`hold_reason:${reason}`, count)
    for (const { reason, count } of entry.errorReasons) put(`error_reason:${reason}`, count)
  }
  return `${lines.join('\n')}\n`
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`
const usd = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const shortWallet = (wallet: string) => (wallet.length > 20 ? `${wallet.slice(0, 12)}…${wallet.slice(-6)}` : wallet)

function table(result: ReplayResult, summary: readonly AssetSummary[]): string {
  const first = result.instants[0]
  const last = result.instants.at(-1)
  const lines = [
    first === undefined
      ? 'replay: no instant in the span'
      : `replay: ${result.instants.length} instants from ${iso(first)} to ${iso(last!)} (prices from the store only; live APIs are not called)`,
    '',
    'asset    instants  WITHDRAW_OK  HOLD     ERROR    turns to OK  withdrawn at turns (USD)',
  ]
  for (const entry of summary)
    lines.push(
      [
        entry.asset.padEnd(8),
        String(entry.instants).padStart(8),
        percent(entry.share.withdrawOk).padStart(11),
        percent(entry.share.hold).padStart(8),
        percent(entry.share.error).padStart(8),
        String(entry.transitionsToWithdrawOk).padStart(12),
        usd(entry.withdrawnAtTransitionsUsd).padStart(25),
      ].join(' '),
    )
  for (const entry of summary) {
    const details = [
      ...entry.holdReasonCodes.map(({ code, label, count }) => `  HOLD ×${count}: ${code} — ${label}`),
      ...entry.errorReasonCodes.map(({ code, label, count }) => `  ERROR ×${count}: ${code} — ${label}`),
      ...Object.entries(entry.withdrawnAtTransitionsByWallet).map(
        ([wallet, amount]) => `  withdrawn at turns, ${shortWallet(wallet)}: ${usd(amount)} USD`,
      ),
    ]
    if (details.length > 0) lines.push('', `${entry.asset}:`, ...details)
  }
  return `${lines.join('\n')}\n`
}
