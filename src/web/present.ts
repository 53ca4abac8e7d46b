/**
 * How evaluation results are shown to clients: the JSON of `GET /api/decisions` (the predecessor's
 * R3 fields plus the reason and error text) and the small formatting rules shared with the
 * dashboard (abbreviated addresses, decision labels). Pure functions of the snapshot.
 */
import { DECISION_LABEL } from '../engine/types.ts'
import type { Snapshot } from '../evaluation/latest.ts'
import type { AssetEvaluation } from '../evaluation/result.ts'

/** The predecessor's rule: first 11 characters, `...`, last 6; short addresses unchanged. */
export function abbreviateAddress(address: string): string {
  return address.length <= 17 ? address : `${address.slice(0, 11)}...${address.slice(-6)}`
}

export interface Viewer {
  /** may see full addresses, per-wallet values and file paths */
  readonly authenticated: boolean
}

export function walletBreakdownJson(entry: AssetEvaluation, viewer: Viewer) {
  return entry.decision.wallets.map((wallet) =>
    viewer.authenticated
      ? {
          wallet_address: wallet.wallet,
          abbreviated_address: abbreviateAddress(wallet.wallet),
          wmax_usd: wallet.wmaxUsd,
          v_t1_usd: wallet.vT1Usd,
        }
      : { abbreviated_address: abbreviateAddress(wallet.wallet) },
  )
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000)
const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0)

export function decisionJson(entry: AssetEvaluation, viewer: Viewer, plotPath: string | null) {
  const { decision } = entry
  const gate = decision.gateApplied ? decision.gate : null
  const compare = decision.priceCompare
  return {
    decision: decision.decision,
    decision_label: DECISION_LABEL[decision.decision],
    reason: decision.reason,
    error: decision.error,
    ref_mode: decision.refMode,
    wmax_usd: decision.wmaxUsd,
    wallet_breakdown: walletBreakdownJson(entry, viewer),
    residual_usd: gate?.rNow ?? null,
    sigma_usd: gate?.sigma ?? null,
    k_sigma: gate?.k ?? null,
    residual_trigger: gate?.triggered ?? null,
    debug_plot_path: viewer.authenticated ? plotPath : null,
    t0_ts: seconds(decision.t0),
    t1_ts: seconds(decision.t1),
    prices_by_source: compare?.pricesBySource ?? {},
    price_delta_abs: compare?.deltaAbs ?? null,
    price_delta_rel: compare?.deltaRel ?? null,
    price_mismatch: flag(compare?.mismatch),
    price_compare_unavailable: flag(compare?.unavailable),
  }
}

/** The decisions of a snapshot, each with the diagnostic file written for that same evaluation. */
export function decisionsJson(snapshot: Snapshot | null, viewer: Viewer) {
  if (snapshot === null) return {}
  const { result, plotPaths } = snapshot
  return Object.fromEntries(result.assets.map((entry) => [entry.asset, decisionJson(entry, viewer, plotPaths.get(entry.asset) ?? null)]))
}

/** `GET /api/assets`: configured names sorted case-insensitively, the selection never null. */
export function assetsJson(assets: readonly string[], requested: string | undefined) {
  const sorted = [...assets].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
  const wanted = requested?.trim().toLowerCase()
  const selected = sorted.find((asset) => asset.toLowerCase() === wanted) ?? sorted[0] ?? null
  return { assets: sorted, selected }
}
