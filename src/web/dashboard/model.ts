/**
 * The dashboard's view model: everything a template prints, already formatted, built from the
 * latest snapshot for one asset, one view and one viewer. Templates stay free of logic, and what a
 * viewer may not see (amounts under `public_view: summary`, full addresses, per-wallet values)
 * never reaches them.
 *
 * Every card and the asset header lead with the action in words (actionOf): how much to withdraw
 * on WITHDRAW_OK, "don't withdraw now" and the plain reason on HOLD, what failed on ERROR.
 */
import type { ReportedYield } from '../../collector/collector.ts'
import type { Config } from '../../config/resolve.ts'
import type { Reason } from '../../engine/reasons.ts'
import { DECISION_LABEL, type DecisionCode } from '../../engine/types.ts'
import type { AssetEvaluation } from '../../evaluation/result.ts'
import type { Snapshot } from '../../evaluation/latest.ts'
import { abbreviateAddress, type AssetInsight, assetInsight } from '../present.ts'
import { CHART_SIZES, type ChartSize } from '../../views/chart-variants.ts'
import { gateModel, type GateModel, priceModel, type PriceModel } from './panels.ts'
import { VIEW_NAMES, VIEWS, type ViewName } from '../../views/definitions.ts'

const BADGES: Record<DecisionCode, { word: string; css: 'ok' | 'hold' | 'error' }> = {
  1: { word: 'Withdraw', css: 'ok' },
  0: { word: 'Hold', css: 'hold' },
  [-1]: { word: 'Error', css: 'error' },
}

export interface Badge {
  readonly code: DecisionCode
  /** WITHDRAW_OK / HOLD / ERROR (data attribute, API name) */
  readonly label: string
  /** the word shown beside the icon */
  readonly word: string
  readonly css: 'ok' | 'hold' | 'error'
}

export function badgeOf(code: DecisionCode): Badge {
  return { code, label: DECISION_LABEL[code], ...BADGES[code] }
}

export const usd = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

const signedUsd = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value >= 0 ? '+' : '−'}${usd(Math.abs(value))}`

export const number = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : Number(value.toPrecision(digits)).toString()

export const utc = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '—' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** "just now", "3 min ago", "in 57 min", "2 h ago", "3 d ago". */
export function relative(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined) return ''
  const delta = ms - now
  const size = Math.abs(delta)
  const minutes = Math.round(size / 60_000)
  const text =
    minutes < 1 ? null : minutes < 60 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`
  if (text === null) return delta > 0 ? 'in less than a minute' : 'just now'
  return delta > 0 ? `in ${text}` : `${text} ago`
}

export interface Moment {
  readonly utc: string
  readonly relative: string
  readonly iso: string
}

const moment = (ms: number | null | undefined, now: number): Moment => ({
  utc: utc(ms),
  relative: relative(ms, now),
  iso: ms === null || ms === undefined ? '' : new Date(ms).toISOString(),
})

export interface DashboardQuery {
  readonly asset: string
  readonly view: ViewName
}

export function dashboardHref(query: DashboardQuery): string {
  return `/dashboard?${new URLSearchParams({ asset: query.asset, view: query.view })}`
}

/** The headline of a card or header: the action, and a demoted line under it. */
export interface Action {
  readonly headline: string
  readonly note: string | null
}

function tokens(units: number | null, asset: string): string {
  return units === null ? '' : ` (≈ ${usd(units)} ${asset.toUpperCase()})`
}

export function actionOf(entry: AssetEvaluation, insight: AssetInsight, seesAmounts: boolean): Action {
  const d = entry.decision
  const wallets = `${d.wallets.length} wallet${d.wallets.length === 1 ? '' : 's'}`
  if (d.decision === 1)
    return seesAmounts
      ? {
          headline: `Withdraw up to ${usd(insight.withdrawable.usd)} USD${tokens(insight.withdrawable.units, entry.asset)} across ${wallets}`,
          note: null,
        }
      : { headline: `Withdrawing is fine now, across ${wallets}`, note: 'Log in to see the amounts.' }
  const reason = insight.reasons[0]?.text ?? 'see the reason below'
  if (d.decision === -1) return { headline: `Error — ${reason}`, note: insight.reasons[0]?.action ?? null }
  const once = seesAmounts && d.wmaxUsd > 0 ? `Would be ${usd(d.wmaxUsd)} USD once cleared.` : null
  return { headline: `Don't withdraw now — ${reason}`, note: once }
}

export interface ReasonModel {
  readonly code: string
  readonly text: string
  readonly action: string
  readonly detail: string
}

export interface WalletModel {
  readonly abbreviated: string
  readonly full: string | null
  readonly withdrawUnits: string | null
  readonly withdrawUsd: string | null
  readonly vT1: string | null
}

export interface AssetModel {
  readonly badge: Badge
  readonly action: Action
  readonly reasons: readonly ReasonModel[]
  readonly seesAmounts: boolean
  readonly walletCount: number
  readonly refMode: string
  readonly t0: Moment
  readonly t1: Moment
  readonly gain: string
  /** "Liqwid reports 12.34 USD earned" beside our gain, when the collector read Liqwid's figure */
  readonly liqwidReports: { text: string; note: string } | null
  readonly interest: string | null
  readonly priceEffect: string | null
  readonly vT1: string
  readonly price: string
  readonly peg: { readonly text: string; readonly off: boolean } | null
  readonly stale: string | null
  readonly wallets: readonly WalletModel[]
  readonly showWalletValues: boolean
  readonly gate: GateModel
  readonly prices: PriceModel
  readonly warnings: readonly string[]
  readonly chart: ChartModel
}

export interface ChartModel {
  /** one compact message instead of charts (an ERROR has nothing to draw) */
  readonly unavailable: string | null
  /** the Replay view in place of the main chart: the days it replays, or why it is off */
  readonly replay: { readonly days: number } | { readonly disabled: string } | null
  readonly main: ChartVariants
  readonly prices: ChartVariants
  /** states the decision and the key values */
  readonly mainAlt: string
  readonly pricesAlt: string
}

/** One chart in light/dark and wide/narrow renders (a <picture> chooses). */
export interface ChartVariants {
  readonly light: string
  readonly dark: string
  readonly narrowLight: string
  readonly narrowDark: string
  readonly wide: ChartSize
  readonly narrow: ChartSize
}

export function variants(asset: string, chart: keyof typeof CHART_SIZES, name: string, sequence: number): ChartVariants {
  const url = (theme: string, size: string) =>
    `/dashboard/charts/${encodeURIComponent(asset)}/${name}.png?${new URLSearchParams({ v: String(sequence), theme, size })}`
  return {
    light: url('light', 'wide'),
    dark: url('dark', 'wide'),
    narrowLight: url('light', 'narrow'),
    narrowDark: url('dark', 'narrow'),
    wide: CHART_SIZES[chart].wide,
    narrow: CHART_SIZES[chart].narrow,
  }
}

function reasonModels(reasons: readonly Reason[], seesAmounts: boolean): ReasonModel[] {
  // the engine's formula carries amounts: a viewer without them gets the sentence only
  return reasons.map((reason) => ({ code: reason.code, text: reason.text, action: reason.action, detail: seesAmounts ? reason.detail : '' }))
}

function replaySettings(config: Config): ChartModel['replay'] {
  const { enabled, days } = config.visualization.dashboard.replay
  return enabled ? { days } : { disabled: 'The Replay view is turned off (visualization.dashboard.replay.enabled: false).' }
}

/** Liqwid's own figure of what the collected wallets earned in an asset's market. */
export type ReportedYieldLookup = (asset: string) => ReportedYield | null

export function assetModel(
  config: Config,
  entry: AssetEvaluation,
  view: ViewName,
  viewer: { authenticated: boolean; seesAmounts: boolean },
  snapshot: Snapshot,
  now: number,
  reportedYield: ReportedYieldLookup = () => null,
): AssetModel {
  const d = entry.decision
  const reported = d.gUsd === null || !viewer.seesAmounts ? null : reportedYield(entry.asset)
  const { seesAmounts } = viewer
  const insight = assetInsight(config, entry, snapshot.result.at, { amounts: seesAmounts })
  const name = entry.asset.toUpperCase()
  const amount = (text: string) => (seesAmounts ? text : '🔒')
  const price = insight.priceUsd
  const action = actionOf(entry, insight, seesAmounts)
  const attribution = insight.attribution
  const age = insight.dataAge
  const wallets = d.wallets.map((wallet) => ({
    abbreviated: abbreviateAddress(wallet.wallet),
    full: viewer.authenticated ? wallet.wallet : null,
    withdrawUnits: viewer.authenticated && seesAmounts ? usd(price ? wallet.wmaxUsd / price : null) : null,
    withdrawUsd: viewer.authenticated && seesAmounts ? usd(wallet.wmaxUsd) : null,
    vT1: viewer.authenticated && seesAmounts ? usd(wallet.vT1Usd) : null,
  }))
  const stateWord = badgeOf(d.decision).word.toUpperCase()
  return {
    badge: badgeOf(d.decision),
    action,
    reasons: reasonModels(insight.reasons, seesAmounts),
    seesAmounts,
    walletCount: d.wallets.length,
    refMode: d.refMode ?? 'none',
    t0: moment(d.t0, now),
    t1: moment(d.t1, now),
    gain: amount(`${signedUsd(d.gUsd)} USD`),
    liqwidReports: reported
      ? {
          text: `Liqwid reports ${usd(reported.amountUsd)} USD earned`,
          note: `all time, ${reported.wallets} payment ${reported.wallets === 1 ? 'address' : 'addresses'}, read ${utc(reported.at)}`,
        }
      : null,
    interest:
      attribution && seesAmounts
        ? `${attribution.interestUnits >= 0 ? '+' : '−'}${usd(Math.abs(attribution.interestUnits))} ${name} (${signedUsd(attribution.interestUsd)} USD)`
        : null,
    priceEffect:
      attribution && seesAmounts
        ? `${signedUsd(attribution.priceEffectUsd)} USD (price ${number(attribution.priceT0, 4)} → ${number(attribution.priceT1, 4)})`
        : null,
    vT1: amount(`${usd(d.vT1Usd)} USD`),
    price: price === null ? '—' : `${number(price, 5)} USD`,
    peg:
      insight.peg === null
        ? null
        : {
            off: insight.peg.off,
            text: insight.peg.off
              ? `Off peg: ${(Math.abs(insight.peg.deviation) * 100).toFixed(1)} % ${insight.peg.deviation < 0 ? 'below' : 'above'} 1 USD`
              : 'On peg',
          },
    stale:
      age?.stale === true
        ? `Data is ${relative(age.newestAt, snapshot.result.at).replace(' ago', '')} old: the newest sample is older than three sampling intervals`
        : null,
    wallets,
    showWalletValues: viewer.authenticated && seesAmounts,
    gate: gateModel(config, entry),
    prices: priceModel(config, entry),
    warnings: entry.warnings,
    chart: {
      unavailable: d.decision === -1 ? `No chart: ${insight.reasons[0]?.text ?? 'the evaluation failed'}` : null,
      replay: view !== 'replay' ? null : replaySettings(config),
      main: variants(entry.asset, 'main', view, snapshot.sequence),
      prices: variants(entry.asset, 'prices', 'prices', snapshot.sequence),
      mainAlt: `${name} ${VIEWS[view].label} chart. Decision ${stateWord}: ${action.headline}.${seesAmounts ? ` Gain since t0 ${signedUsd(d.gUsd)} USD, position ${usd(d.vT1Usd)} USD at ${utc(d.t1)}.` : ''}`,
      pricesAlt: `${name} price sources over time and their relative difference against the tolerance band. ${priceModel(config, entry).summary}`,
    },
  }
}

export interface CardModel {
  readonly name: string
  readonly badge: Badge | null
  readonly action: Action | null
  readonly peg: string | null
  readonly href: string
  readonly selected: boolean
}

export interface PageModel {
  readonly query: DashboardQuery
  readonly assets: readonly CardModel[]
  readonly views: { name: ViewName; label: string; allowed: boolean; advanced: boolean }[]
  readonly refreshSeconds: number
  readonly sequence: number
  readonly lastEvaluation: Moment
  readonly nextEvaluation: Moment | null
  readonly evaluationMs: string
  readonly asset: AssetModel | null
  /** the asset is configured but the last evaluation does not have it (should not happen) */
  readonly missing: boolean
  readonly authEnabled: boolean
  readonly authenticated: boolean
  readonly canSync: boolean
  readonly canEvaluate: boolean
  readonly syncUnavailable: string | null
  readonly syncDefaults: { start: string; end: string }
}

export function pageModel(
  config: Config,
  snapshot: Snapshot | null,
  query: DashboardQuery,
  viewer: { authenticated: boolean; seesAmounts: boolean; authEnabled: boolean; canWrite: boolean },
  syncUnavailable: string | null,
  now: number,
  reportedYield?: ReportedYieldLookup,
): PageModel {
  const entries = new Map(snapshot?.result.assets.map((entry) => [entry.asset, entry]) ?? [])
  const entry = entries.get(query.asset) ?? null
  const intervalMs = config.runtime.schedule.interval_minutes * 60_000
  return {
    query,
    assets: config.domain.assets.map((name) => {
      const found = entries.get(name)
      const insight = found && snapshot ? assetInsight(config, found, snapshot.result.at, { amounts: viewer.seesAmounts }) : null
      return {
        name,
        badge: found ? badgeOf(found.decision.decision) : null,
        action: found && insight ? actionOf(found, insight, viewer.seesAmounts) : null,
        peg: insight?.peg?.off ? `Off peg ${(insight.peg.deviation * 100).toFixed(1)} %` : null,
        href: dashboardHref({ asset: name, view: query.view }),
        selected: name === query.asset,
      }
    }),
    views: VIEW_NAMES.map((name) => ({
      name,
      label: VIEWS[name].label,
      allowed: viewer.seesAmounts || !VIEWS[name].private,
      advanced: VIEWS[name].advanced,
    })),
    refreshSeconds: config.visualization.dashboard.refresh_seconds,
    sequence: snapshot?.sequence ?? 0,
    lastEvaluation: moment(snapshot?.result.at, now),
    nextEvaluation: snapshot ? moment(Math.max(now, snapshot.result.at + intervalMs), now) : null,
    evaluationMs: snapshot ? `${Math.round(snapshot.result.durationMs)} ms` : '—',
    asset: entry && snapshot ? assetModel(config, entry, query.view, viewer, snapshot, now, reportedYield) : null,
    missing: snapshot !== null && entry === null,
    authEnabled: viewer.authEnabled,
    authenticated: viewer.authenticated,
    canSync: viewer.canWrite && syncUnavailable === null,
    canEvaluate: viewer.canWrite,
    syncUnavailable,
    syncDefaults: {
      start: config.prices.transaction_sync.start_date ?? '2023-10-01',
      end: config.prices.transaction_sync.end_date ?? 'now',
    },
  }
}
