/**
 * What a supplier reads from a replay, per asset: the share of instants in each decision, the
 * HOLD reasons by code (src/engine/reasons.ts) and by kind (the engine's wording, numbers blanked)
 * with their counts, how many times the decision turned to WITHDRAW_OK, and what
 * withdrawing the withdrawable amount at each of those turns would have taken, in all and per
 * wallet. (The replay does not model the withdrawal itself: each turn's amount is the gain the
 * rule saw since its reference at that instant.)
 */
import { reasonLabel, topLevelParts } from '../engine/reasons.ts'
import type { ReplayRow } from './replay.ts'

export interface CodeCount {
  readonly code: string
  /** a few words for the code */
  readonly label: string
  /** instants with this cause (a HOLD with two causes counts for both) */
  readonly count: number
}

export interface AssetSummary {
  readonly asset: string
  readonly instants: number
  readonly share: { readonly withdrawOk: number; readonly hold: number; readonly error: number }
  /** HOLD causes by code, most frequent first */
  readonly holdReasonCodes: readonly CodeCount[]
  readonly errorReasonCodes: readonly CodeCount[]
  /** reason kind (the reason with its numbers blanked) → count, most frequent first */
  readonly holdReasons: readonly { readonly reason: string; readonly count: number }[]
  readonly errorReasons: readonly { readonly reason: string; readonly count: number }[]
  readonly transitionsToWithdrawOk: number
  /** Σ withdrawable USD at each transition to WITHDRAW_OK */
  readonly withdrawnAtTransitionsUsd: number
  readonly withdrawnAtTransitionsByWallet: Readonly<Record<string, number>>
}

export function summarize(rows: readonly ReplayRow[]): AssetSummary[] {
  const byAsset = new Map<string, ReplayRow[]>()
  for (const row of rows) {
    const list = byAsset.get(row.asset)
    if (list === undefined) byAsset.set(row.asset, [row])
    else list.push(row)
  }
  return [...byAsset].map(([asset, assetRows]) => summarizeAsset(asset, assetRows))
}

function summarizeAsset(asset: string, rows: readonly ReplayRow[]): AssetSummary {
  const count = (decision: number) => rows.filter((row) => row.decision === decision).length
  let transitions = 0
  let withdrawn = 0
  const byWallet: Record<string, number> = {}
  rows.forEach((row, index) => {
    // The first instant counts as a turn when it already allows a withdrawal: nothing was taken before it.
    const previous = index === 0 ? null : rows[index - 1]!.decision
    if (row.decision !== 1 || previous === 1) return
    transitions++
    withdrawn += row.withdrawableUsd
    for (const [wallet, amount] of Object.entries(row.withdrawableByWallet)) byWallet[wallet] = (byWallet[wallet] ?? 0) + amount
  })
  const share = (n: number) => (rows.length === 0 ? 0 : n / rows.length)
  return {
    asset,
    instants: rows.length,
    share: { withdrawOk: share(count(1)), hold: share(count(0)), error: share(count(-1)) },
    holdReasonCodes: codeCounts(rows.filter((row) => row.decision === 0)),
    errorReasonCodes: codeCounts(rows.filter((row) => row.decision === -1)),
    holdReasons: reasonCounts(rows.filter((row) => row.decision === 0)),
    errorReasons: reasonCounts(rows.filter((row) => row.decision === -1)),
    transitionsToWithdrawOk: transitions,
    withdrawnAtTransitionsUsd: withdrawn,
    withdrawnAtTransitionsByWallet: byWallet,
  }
}

/**
 * Reasons grouped by kind: every number becomes `#`, and a combined reason ("a; b") counts once
 * for each of its parts, so "residual gate triggered: r=# > k·σ=#" is one kind however r moves.
 */
export function reasonKind(reason: string): string {
  // instants first; then digits glued to a name (t0) are part of the name, not a number
  return reason.replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<time>').replace(/(?<![A-Za-z_\d.])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?/gi, '#')
}

function reasonCounts(rows: readonly ReplayRow[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const row of rows)
    for (const part of topLevelParts(row.reason ?? 'no reason given')) counts.set(reasonKind(part), (counts.get(reasonKind(part)) ?? 0) + 1)
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
}

function codeCounts(rows: readonly ReplayRow[]): CodeCount[] {
  const counts = new Map<string, number>()
  for (const row of rows) for (const code of row.reasonCodes) counts.set(code, (counts.get(code) ?? 0) + 1)
  return [...counts]
    .map(([code, count]) => ({ code, label: reasonLabel(code), count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
}
