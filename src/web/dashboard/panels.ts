/**
 * The gate and price panels' view models. The gate panel is a status, one plain line and a list of
 * facts (`rows`), so a new gate setting or explanation is one more row, not a template change.
 */
import type { Config } from '../../config/resolve.ts'
import type { AssetEvaluation } from '../../evaluation/result.ts'

const number = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : Number(value.toPrecision(digits)).toString()

export interface GateModel {
  readonly status: 'disabled' | 'not applicable' | 'skipped' | 'triggered' | 'not triggered'
  /** the status in words: what the check did */
  readonly plain: string
  /** the engine's comparison or skip reason (the formula) */
  readonly detail: string
  /** `amount`: a USD figure, shown only to a viewer who may see amounts */
  readonly rows: readonly { readonly label: string; readonly value: string; readonly id?: string; readonly amount?: boolean }[]
}

export function gateModel(config: Config, entry: AssetEvaluation): GateModel {
  const settings = config.resolved.assets[entry.asset]!.settings.gate
  const gate = entry.decision.gate
  const mode = settings.threshold_mode === 'percentile' ? `percentile ${settings.central_confidence}` : `stddev k=${settings.k_sigma}`
  const setup = [
    { label: 'Basis', value: settings.basis },
    { label: 'Mode', value: `${mode}, ${settings.tail} tail, on trigger: ${settings.on_trigger}` },
  ]
  if (!settings.enabled) return { status: 'disabled', plain: 'The safety check is off for this asset.', detail: '', rows: setup }
  if (gate === null)
    return {
      status: 'not applicable',
      plain: 'The safety check does not run without a reference withdrawal.',
      detail: `not run in ref mode ${entry.decision.refMode ?? 'none'}`,
      rows: setup,
    }
  const t = gate.thresholds
  const threshold = t === null ? '—' : t.mode === 'percentile' ? `[${number(t.lower)}, ${number(t.upper)}]` : `±${number(t.upper)} (k·σ)`
  const status: GateModel['status'] = !gate.applied ? 'skipped' : gate.triggered === 1 ? 'triggered' : 'not triggered'
  const plain = {
    skipped: 'The safety check could not run (not enough data yet).',
    triggered: 'The latest move is unusual compared with the recent trend.',
    'not triggered': 'The latest move is within the usual range.',
  }[status as 'skipped' | 'triggered' | 'not triggered']
  const heldOut = gate.pointCount - gate.trainingCount
  return {
    status,
    plain,
    // what was compared, in words, then the numbers that decided
    detail: gate.skipReason ?? (gate.explanation === null ? (gate.comparison ?? '') : `${capitalize(gate.explanation)}: ${gate.comparison}.`),
    rows: [
      ...setup,
      { label: 'Residual now (r)', value: number(gate.rNow), id: 'gate-r-now', amount: true },
      {
        label: 'σ',
        value:
          gate.sigma === null ? '—' : `${number(gate.sigma)} (${gate.sigmaEstimator === 'mad' ? '1.4826 × MAD' : 'std'} of the training residuals)`,
        amount: true,
      },
      {
        label: 'Threshold',
        value: t !== null && gate.rNow !== null ? `${threshold} · margin |r|/threshold ${number(margin(gate.rNow, t), 3)}` : threshold,
        amount: true,
      },
      {
        label: 'Points',
        value: heldOut > 0 ? `${gate.trainingCount} fitted + ${heldOut} held out` : `${gate.pointCount} (all fitted, the judged one included)`,
      },
    ],
  }
}

/** How far r is past (> 1) or inside (< 1) the threshold on its own side. */
function margin(rNow: number, thresholds: { lower: number; upper: number }): number {
  const bound = rNow >= 0 ? thresholds.upper : thresholds.lower
  return bound === 0 ? Number.POSITIVE_INFINITY : rNow / bound
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

export interface PriceModel {
  readonly enabled: boolean
  readonly rows: { source: string; provider: string; price: string }[]
  readonly deltaAbs: string
  readonly deltaRel: string
  readonly status: 'match' | 'mismatch' | 'unavailable' | 'disabled'
  readonly detail: string | null
  /** one sentence for the chart's alt text */
  readonly summary: string
}

export function priceModel(config: Config, entry: AssetEvaluation): PriceModel {
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
  const deltaRel = compare?.deltaRel === null || compare?.deltaRel === undefined ? '—' : `${(compare.deltaRel * 100).toFixed(2)}%`
  const quotes = rows.map((row) => `${row.source} ${row.price}`).join(', ')
  return {
    enabled: settings.enabled,
    rows,
    deltaAbs: number(compare?.deltaAbs ?? null),
    deltaRel,
    status,
    detail: compare?.reason ?? (status === 'unavailable' ? 'fewer than two sources had a price' : null),
    summary: `Latest prices: ${quotes || 'none'}; difference ${deltaRel} (${status}).`,
  }
}
