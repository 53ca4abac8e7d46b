/**
 * The dashboard's view model: everything a template prints, already formatted, built from the
 * latest snapshot for one asset, one view and one viewer. Templates stay free of logic, and what a
 * viewer may not see (full addresses, per-wallet values) never reaches them.
 */
import type { ReportedYield } from '../../collector/collector.ts'
import type { Config } from '../../config/resolve.ts'
import { DECISION_LABEL, type DecisionCode } from '../../engine/types.ts'
import type { AssetEvaluation } from '../../evaluation/result.ts'
import type { Snapshot } from '../../evaluation/latest.ts'
import { abbreviateAddress } from '../present.ts'
import { VIEW_NAMES, VIEWS, type ViewName } from '../../views/definitions.ts'

const BADGES: Record<DecisionCode, { emoji: string; css: string }> = {
  1: { emoji: '✅', css: 'ok' },
  0: { emoji: '⏸️', css: 'hold' },
  [-1]: { emoji: '❌', css: 'error' },
}

export interface Badge {
  readonly code: DecisionCode
  readonly label: string
  readonly emoji: string
  readonly css: string
}

export function badgeOf(code: DecisionCode): Badge {
  return { code, label: DECISION_LABEL[code], ...BADGES[code] }
}

export const usd = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

const number = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : Number(value.toPrecision(digits)).toString()

export const utc = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '—' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

export interface DashboardQuery {
  readonly asset: string
  readonly view: ViewName
}

export function dashboardHref(query: DashboardQuery): string {
  return `/dashboard?${new URLSearchParams({ asset: query.asset, view: query.view })}`
}

export interface AssetModel {
  readonly badge: Badge
  readonly reason: string | null
  readonly wmaxTotal: string
  readonly walletCount: number
  readonly refMode: string
  readonly t0: string
  readonly t1: string
  readonly gain: string
  /** "Liqwid reports 12.34 USD earned" beside our gain, when the collector read Liqwid's figure */
  readonly liqwidReports: { text: string; note: string } | null
  readonly vT1: string
  readonly wallets: { abbreviated: string; full: string | null; wmax: string | null; vT1: string | null }[]
  readonly showWalletValues: boolean
  readonly gate: GateModel
  readonly prices: PriceModel
  readonly warnings: readonly string[]
  readonly chartUrl: string
  readonly pricesUrl: string
}

export interface GateModel {
  readonly status: 'disabled' | 'not applicable' | 'skipped' | 'triggered' | 'not triggered'
  readonly detail: string
  readonly basis: string
  readonly mode: string
  readonly rNow: string
  readonly sigma: string
  readonly threshold: string
  readonly points: string
}

export interface PriceModel {
  readonly enabled: boolean
  readonly rows: { source: string; provider: string; price: string }[]
  readonly deltaAbs: string
  readonly deltaRel: string
  readonly status: 'match' | 'mismatch' | 'unavailable' | 'disabled'
  readonly detail: string | null
}

function gateModel(config: Config, entry: AssetEvaluation): GateModel {
  const settings = config.resolved.assets[entry.asset]!.settings.gate
  const gate = entry.decision.gate
  const mode = settings.threshold_mode === 'percentile' ? `percentile ${settings.central_confidence}` : `stddev k=${settings.k_sigma}`
  const base = { basis: settings.basis, mode: `${mode}, ${settings.tail} tail, on trigger: ${settings.on_trigger}` }
  if (!settings.enabled)
    return { ...base, status: 'disabled', detail: 'the residual gate is off for this asset', rNow: '—', sigma: '—', threshold: '—', points: '—' }
  if (gate === null)
    return {
      ...base,
      status: 'not applicable',
      detail: `not run in ref mode ${entry.decision.refMode ?? 'none'}`,
      rNow: '—',
      sigma: '—',
      threshold: '—',
      points: '—',
    }
  const t = gate.thresholds
  const threshold = t === null ? '—' : t.mode === 'percentile' ? `[${number(t.lower)}, ${number(t.upper)}]` : `±${number(t.upper)} (k·σ)`
  const heldOut = gate.pointCount - gate.trainingCount
  return {
    ...base,
    status: !gate.applied ? 'skipped' : gate.triggered === 1 ? 'triggered' : 'not triggered',
    // what was compared, in words, then the numbers that decided
    detail: gate.skipReason ?? (gate.explanation === null ? (gate.comparison ?? '') : `${capitalize(gate.explanation)}: ${gate.comparison}.`),
    rNow: number(gate.rNow),
    sigma: gate.sigma === null ? '—' : `${number(gate.sigma)} (${gate.sigmaEstimator === 'mad' ? '1.4826 × MAD' : 'std'} of the training residuals)`,
    threshold: t !== null && gate.rNow !== null ? `${threshold} · margin |r|/threshold ${number(margin(gate.rNow, t), 3)}` : threshold,
    points: heldOut > 0 ? `${gate.trainingCount} fitted + ${heldOut} held out` : `${gate.pointCount} (all fitted, the judged one included)`,
  }
}

/** How far r is past (> 1) or inside (< 1) the threshold on its own side. */
function margin(rNow: number, thresholds: { lower: number; upper: number }): number {
  const bound = rNow >= 0 ? thresholds.upper : thresholds.lower
  return bound === 0 ? Number.POSITIVE_INFINITY : rNow / bound
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

function priceModel(config: Config, entry: AssetEvaluation): PriceModel {
  const settings = config.resolved.assets[entry.asset]!.settings.price_compare
  const compare = entry.decision.priceCompare
  const rows = Object.entries(entry.prices?.bySource ?? {}).map(([source, quote]) => ({
    source,
    provider: quote?.provider ?? 'no provider answered',
    price: quote ? number(quote.price, 6) : '—',
  }))
  const status: PriceModel['status'] = !settings.enabled
    ? 'disabled'
    : compare === null || compare.unavailable
      ? 'unavailable'
      : compare.mismatch
        ? 'mismatch'
        : 'match'
  return {
    enabled: settings.enabled,
    rows,
    deltaAbs: number(compare?.deltaAbs ?? null),
    deltaRel: compare?.deltaRel === null || compare?.deltaRel === undefined ? '—' : `${(compare.deltaRel * 100).toFixed(2)}%`,
    status,
    detail: compare?.reason ?? (status === 'unavailable' ? 'fewer than two sources had a price' : null),
  }
}

/** Liqwid's own figure of what the collected wallets earned in an asset's market. */
export type ReportedYieldLookup = (asset: string) => ReportedYield | null

export function assetModel(
  config: Config,
  entry: AssetEvaluation,
  view: ViewName,
  authenticated: boolean,
  sequence: number,
  reportedYield: ReportedYieldLookup = () => null,
): AssetModel {
  const d = entry.decision
  const reported = d.gUsd === null ? null : reportedYield(entry.asset)
  const q = new URLSearchParams({ v: String(sequence) })
  return {
    badge: badgeOf(d.decision),
    reason: d.reason,
    wmaxTotal: usd(d.wmaxUsd),
    walletCount: d.wallets.length,
    refMode: d.refMode ?? 'none',
    t0: utc(d.t0),
    t1: utc(d.t1),
    gain: usd(d.gUsd),
    liqwidReports: reported
      ? {
          text: `Liqwid reports ${usd(reported.amountUsd)} USD earned`,
          note: `all time, ${reported.wallets} payment ${reported.wallets === 1 ? 'address' : 'addresses'}, read ${utc(reported.at)}`,
        }
      : null,
    vT1: usd(d.vT1Usd),
    wallets: d.wallets.map((wallet) => ({
      abbreviated: abbreviateAddress(wallet.wallet),
      full: authenticated ? wallet.wallet : null,
      wmax: authenticated ? usd(wallet.wmaxUsd) : null,
      vT1: authenticated ? usd(wallet.vT1Usd) : null,
    })),
    showWalletValues: authenticated,
    gate: gateModel(config, entry),
    prices: priceModel(config, entry),
    warnings: entry.warnings,
    chartUrl: `/dashboard/charts/${encodeURIComponent(entry.asset)}/${view}.png?${q}`,
    pricesUrl: `/dashboard/charts/${encodeURIComponent(entry.asset)}/prices.png?${q}`,
  }
}

export interface PageModel {
  readonly query: DashboardQuery
  readonly assets: { name: string; badge: Badge | null; wmax: string; href: string; selected: boolean }[]
  readonly views: { name: ViewName; label: string; allowed: boolean }[]
  readonly refreshSeconds: number
  readonly sequence: number
  readonly lastEvaluation: string
  readonly evaluationMs: string
  readonly asset: AssetModel | null
  /** the asset is configured but the last evaluation does not have it (should not happen) */
  readonly missing: boolean
  readonly authEnabled: boolean
  readonly authenticated: boolean
  readonly canSync: boolean
  readonly syncUnavailable: string | null
  readonly syncDefaults: { start: string; end: string }
}

export function pageModel(
  config: Config,
  snapshot: Snapshot | null,
  query: DashboardQuery,
  viewer: { authenticated: boolean; authEnabled: boolean; canWrite: boolean },
  syncUnavailable: string | null,
  reportedYield?: ReportedYieldLookup,
): PageModel {
  const entries = new Map(snapshot?.result.assets.map((entry) => [entry.asset, entry]) ?? [])
  const entry = entries.get(query.asset) ?? null
  return {
    query,
    assets: config.domain.assets.map((name) => {
      const found = entries.get(name)
      return {
        name,
        badge: found ? badgeOf(found.decision.decision) : null,
        wmax: found ? usd(found.decision.wmaxUsd) : '—',
        href: dashboardHref({ asset: name, view: query.view }),
        selected: name === query.asset,
      }
    }),
    views: VIEW_NAMES.map((name) => ({ name, label: VIEWS[name].label, allowed: viewer.authenticated || !VIEWS[name].private })),
    refreshSeconds: config.visualization.dashboard.refresh_seconds,
    sequence: snapshot?.sequence ?? 0,
    lastEvaluation: utc(snapshot?.result.at),
    evaluationMs: snapshot ? `${Math.round(snapshot.result.durationMs)} ms` : '—',
    asset: entry && snapshot ? assetModel(config, entry, query.view, viewer.authenticated, snapshot.sequence, reportedYield) : null,
    missing: snapshot !== null && entry === null,
    authEnabled: viewer.authEnabled,
    authenticated: viewer.authenticated,
    canSync: viewer.canWrite && syncUnavailable === null,
    syncUnavailable,
    syncDefaults: {
      start: config.prices.transaction_sync.start_date ?? '2023-10-01',
      end: config.prices.transaction_sync.end_date ?? 'now',
    },
  }
}
