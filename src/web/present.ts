/**
 * How evaluation results are shown to clients: the JSON of `GET /api/decisions` (the predecessor's
 * R3 fields plus the reason and error text) and the small formatting rules shared with the
 * dashboard (abbreviated addresses, decision labels). Pure functions of the snapshot.
 */
import type { Config } from '../config/resolve.ts'
import {
  attributeGain,
  dataAge,
  type DataAge,
  type GainAttribution,
  pegStatus,
  type PegStatus,
  toUnits,
  withdrawable,
  type Withdrawable,
} from '../engine/insight.ts'
import { explainDecision, type Reason } from '../engine/reasons.ts'
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
  /**
   * may see amounts (USD, tokens): everyone when auth is off, else a logged-in user only
   * (`runtime.auth.public_view: summary` shows decisions and reasons to everyone else)
   */
  readonly seesAmounts: boolean
}

/** Everything said about an asset beside its decision, shared by the API, the metrics and the dashboard. */
export interface AssetInsight {
  /** USD per token at the latest sample (the positions' price), else the live decision-time price */
  readonly priceUsd: number | null
  readonly withdrawable: Withdrawable
  /** W_max in tokens (what a HOLD would allow once cleared) */
  readonly wmaxUnits: number | null
  readonly attribution: GainAttribution | null
  /** null when the asset is not a USD stablecoin or has no price */
  readonly peg: PegStatus | null
  readonly dataAge: DataAge | null
  readonly reasons: Reason[]
}

export function assetInsight(config: Config, entry: AssetEvaluation, now: number, options: { amounts: boolean } = { amounts: true }): AssetInsight {
  const { decision } = entry
  const priceUsd = entry.charts.prices.values.at(-1) ?? decision.priceT1Usd ?? entry.rateUsd?.value ?? null
  const pegSettings = config.analysis.peg
  const peg = pegSettings.usd_stablecoins.includes(entry.asset) ? pegStatus(priceUsd, pegSettings.max_deviation) : null
  const attribution = attributeGain(entry.charts.positions, entry.charts.prices, decision.chart.transactions, decision.gUsd)
  const gate = config.resolved.assets[entry.asset]?.settings.gate
  const reasons = explainDecision(decision, {
    priceEffectUsd: attribution?.priceEffectUsd ?? null,
    pegDeviation: peg?.off ? peg.deviation : null,
    kSigma: gate?.threshold_mode === 'stddev' ? gate.k_sigma : null,
    amounts: options.amounts,
  })
  return {
    priceUsd,
    withdrawable: withdrawable(decision.decision, decision.wmaxUsd, priceUsd),
    wmaxUnits: toUnits(decision.wmaxUsd, priceUsd),
    attribution,
    peg,
    dataAge: dataAge(entry.charts.positions.ts, now),
    reasons,
  }
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

export function decisionJson(config: Config, entry: AssetEvaluation, viewer: Viewer, plotPath: string | null, now: number) {
  const { decision } = entry
  const gate = decision.gateApplied ? decision.gate : null
  const compare = decision.priceCompare
  const insight = assetInsight(config, entry, now, { amounts: viewer.seesAmounts })
  const amount = (value: number | null | undefined) => (viewer.seesAmounts ? (value ?? null) : null)
  const primary = insight.reasons[0] ?? null
  return {
    decision: decision.decision,
    decision_label: DECISION_LABEL[decision.decision],
    // the engine's wording with its numbers (what --once prints); amounts only for a viewer who may see them
    reason: viewer.seesAmounts ? decision.reason : (primary?.text ?? null),
    reason_code: primary?.code ?? null,
    reason_codes: insight.reasons.map((reason) => reason.code),
    reason_text: insight.reasons.length === 0 ? null : insight.reasons.map((reason) => reason.text).join(' '),
    reason_action: primary?.action ?? null,
    error: decision.error,
    ref_mode: decision.refMode,
    wmax_usd: amount(decision.wmaxUsd),
    withdrawable_usd: amount(insight.withdrawable.usd),
    withdrawable_units: amount(insight.withdrawable.units),
    price_usd: insight.priceUsd,
    interest_units: amount(insight.attribution?.interestUnits),
    price_effect_usd: amount(insight.attribution?.priceEffectUsd),
    peg_deviation: insight.peg?.deviation ?? null,
    peg_off: insight.peg === null ? null : insight.peg.off,
    data_age_seconds: insight.dataAge === null ? null : insight.dataAge.ageMs / 1000,
    data_stale: insight.dataAge?.stale ?? null,
    wallet_breakdown: walletBreakdownJson(entry, viewer),
    residual_usd: amount(gate?.rNow),
    sigma_usd: amount(gate?.sigma),
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
export function decisionsJson(config: Config, snapshot: Snapshot | null, viewer: Viewer, now: number) {
  if (snapshot === null) return {}
  const { result, plotPaths } = snapshot
  return Object.fromEntries(result.assets.map((entry) => [entry.asset, decisionJson(config, entry, viewer, plotPaths.get(entry.asset) ?? null, now)]))
}

/** `GET /api/assets`: configured names sorted case-insensitively, the selection never null. */
export function assetsJson(assets: readonly string[], requested: string | undefined) {
  const sorted = [...assets].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
  const wanted = requested?.trim().toLowerCase()
  const selected = sorted.find((asset) => asset.toLowerCase() === wanted) ?? sorted[0] ?? null
  return { assets: sorted, selected }
}
