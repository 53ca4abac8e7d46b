/**
 * The dashboard's chart views (`?view=`). The default, `gain`, is what a supplier reads: the
 * corrected gain since t0 in USD, from 0 at t0. `rate` / `rate_ada` / `raw` are plain series. The
 * residual-gate diagnostics (baseline, bands, residuals, histogram, KDE) live in the "Advanced"
 * views `position` and `gains` (the seed's and the predecessor's names, kept with their aliases).
 * `replay` is not a chart of the evaluation but the rule replayed over the last days
 * (replay-view.ts): its timeline and summary. Views that show the portfolio's USD amounts are
 * private when authentication is enabled.
 */
import type { GateBasis } from '../engine/settings.ts'

export const VIEW_NAMES = ['gain', 'rate', 'rate_ada', 'raw', 'position', 'gains', 'replay'] as const
export type ViewName = (typeof VIEW_NAMES)[number]
/** The views drawn from the evaluation itself (chart-inputs.ts). */
export type ChartViewName = Exclude<ViewName, 'replay'>

export interface ViewDefinition {
  readonly name: ViewName
  readonly label: string
  readonly yLabel: string
  readonly unit: 'USD' | '%' | 'rate'
  /** shows absolute USD amounts of the wallets: needs an authenticated viewer when auth is on */
  readonly private: boolean
  /** deposit/withdrawal markers make sense on position views only */
  readonly transactions: boolean
  /** the residual gate's diagnostics: baseline, bands, residual panel, histogram and KDE */
  readonly advanced: boolean
}

export const VIEWS: Record<ViewName, ViewDefinition> = {
  gain: { name: 'gain', label: 'Gain since t0', yLabel: 'Gain since t0 (USD)', unit: 'USD', private: true, transactions: true, advanced: false },
  rate: { name: 'rate', label: 'USD rate', yLabel: 'Price (USD)', unit: 'rate', private: false, transactions: false, advanced: false },
  rate_ada: { name: 'rate_ada', label: 'ADA rate', yLabel: 'Price (ADA)', unit: 'rate', private: false, transactions: false, advanced: false },
  raw: { name: 'raw', label: 'Raw position', yLabel: 'Raw position (USD)', unit: 'USD', private: true, transactions: true, advanced: false },
  position: {
    name: 'position',
    label: 'Advanced: gate on corrected position',
    yLabel: 'Corrected position (USD)',
    unit: 'USD',
    private: true,
    transactions: true,
    advanced: true,
  },
  gains: {
    name: 'gains',
    label: 'Advanced: gate in % of baseline',
    yLabel: 'Corrected position (% of baseline start)',
    unit: '%',
    private: false,
    transactions: true,
    advanced: true,
  },
  replay: {
    name: 'replay',
    label: 'Replay: the rule over the last days',
    yLabel: 'USD',
    unit: 'USD',
    private: true,
    transactions: false,
    advanced: false,
  },
}

const ALIASES: Record<string, ViewName> = {
  corrected: 'position',
  gains_pct: 'gains',
  rate_usd: 'rate',
  advanced: 'position',
  history: 'replay',
}

/** `?view=` → a view name; unknown or missing → null (the caller picks the default). */
export function parseView(text: string | undefined): ViewName | null {
  const key = text?.trim().toLowerCase() ?? ''
  if ((VIEW_NAMES as readonly string[]).includes(key)) return key as ViewName
  return ALIASES[key] ?? null
}

/** The view to show: the requested one when allowed, else the default the viewer may see. */
export function effectiveView(requested: ViewName | null, canSeePrivate: boolean): ViewName {
  if (requested !== null && (canSeePrivate || !VIEWS[requested].private)) return requested
  return canSeePrivate ? 'gain' : 'rate'
}

/** The view whose series IS the gate's: it shows the decision's own baseline, bands and trigger. */
export function gateView(basis: GateBasis): ChartViewName {
  return basis === 'change_rate_usd' ? 'rate' : 'position'
}

/** Whether `view` draws the gate's series (`gains` is the position view in percent). */
export function showsGateSeries(view: ChartViewName, basis: GateBasis): boolean {
  return basis === 'change_rate_usd' ? view === 'rate' : view === 'position' || view === 'gains'
}
