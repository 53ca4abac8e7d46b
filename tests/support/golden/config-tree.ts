/**
 * A golden case's `parameters` (the predecessor's effective configuration under its internal
 * names) as a v2 configuration TREE, so that the database path loads it through our real schema
 * (`loadConfigTree`) instead of building engine settings by hand (settings.ts does that for the
 * in-memory path). spec-config §2 is the mapping table; where the predecessor coerced silently, the
 * coercion is applied here so that our strict schema sees what the predecessor effectively ran:
 *
 * - gate cases run with `on_trigger: withdraw`, `tail: upper` (golden/README.md);
 * - a disabled gate or price comparison is just `enabled: false`: the predecessor validated their
 *   other keys only when enabled, and they have no effect then;
 * - a duty-cycle threshold outside (0, 1] is 0.9; a timestamp source other than `created_at` is
 *   `timestamp`;
 * - `apply_in_fallback: null` (never readable from the predecessor's YAML) is false;
 * - a reference fallback other than `data_range` is `null`;
 * - per-asset price-compare overrides follow Python's `or` (a falsy value falls back to the global
 *   one) and any mode other than `absolute` is relative;
 * - provider strings our schema does not know (`greptime(other)`, …) yielded no price in the
 *   predecessor and are left out;
 * - `resolver_map` entries whose table symbol differs from the display name become
 *   `domain.symbols`; names equal to their symbol (and names missing from the map) are resolved by
 *   the store's resolver at run time, so an unresolvable name really fails there.
 */
import { DEFAULT_TABLE_NAMES, type TableNamesOptions } from '../../../src/store/tables.ts'
import type { EvaluateCase, EvaluateParameters } from './cases.ts'

const KNOWN_PROVIDER = /^(greptime\(liqwid\)|greptime\(minswap\)|liqwid|minswap)$/

/** Table names of one case: every table gets the case's own prefix, so cases never share rows. */
export function caseTableNames(tag: string): Required<TableNamesOptions> {
  return {
    positionsPrefix: `${tag}_${DEFAULT_TABLE_NAMES.positionsPrefix}`,
    depositsPrefix: `${tag}_${DEFAULT_TABLE_NAMES.depositsPrefix}`,
    withdrawalsPrefix: `${tag}_${DEFAULT_TABLE_NAMES.withdrawalsPrefix}`,
    minswapNamespace: `${tag}_${DEFAULT_TABLE_NAMES.minswapNamespace}`,
    minswapPrefix: DEFAULT_TABLE_NAMES.minswapPrefix,
  }
}

/** `${…}` is expanded in config strings; a literal `$` is written `$$`. */
const literal = (text: string) => text.replaceAll('$', '$$$$')

export function configTreeFromCase(testCase: EvaluateCase, tables: Required<TableNamesOptions>): Record<string, unknown> {
  const { parameters, inputs } = testCase
  const assets = parameters.assets.map((asset) => asset.trim().toLowerCase())
  const symbols = Object.fromEntries(
    assets.flatMap((asset) => {
      const symbol = inputs.resolver_map[asset]
      return symbol !== undefined && symbol !== asset ? [[asset, symbol]] : []
    }),
  )
  return {
    // golden timestamps are UTC; a naive one in another case file means UTC as well
    settings: { timezone: 'UTC' },
    domain: { assets, symbols },
    data: {
      datasets: {
        transactions: {
          alignment_method: parameters.alignment_method,
          timestamp_source: parameters.tx_timestamp_source.trim().toLowerCase() === 'created_at' ? 'created_at' : 'timestamp',
          sources: {
            liqwid: {
              table_asset_prefix: tables.positionsPrefix,
              deposits_prefix: tables.depositsPrefix,
              withdrawals_prefix: tables.withdrawalsPrefix,
            },
            minswap: { database: tables.minswapNamespace, table_price_prefix: tables.minswapPrefix },
          },
        },
      },
      date_range: { start: parameters.date_range.start, end: parameters.date_range.end },
    },
    prices: {
      sources: parameters.prices_sources,
      priority_by_logical: priorityByLogical(parameters),
      duty_cycle_threshold: dutyCycleThreshold(parameters.duty_cycle_threshold),
      // no live provider: every price comes from the store
      endpoints: { liqwid_graphql: null, minswap_aggregator: null, koios: null },
    },
    analysis: {
      decision: {
        reference: {
          keyword: literal(parameters.reference_keyword),
          fallback: (parameters.reference_keyword_fallback ?? '').trim().toLowerCase() === 'data_range' ? 'data_range' : 'null',
        },
        safety_factor: { c: parameters.safety_factor_c },
        gate: gateTree(parameters),
      },
      price_compare: priceCompareTree(parameters, assets),
    },
  }
}

function dutyCycleThreshold(value: number): number {
  return value > 0 && value <= 1 ? value : 0.9
}

function gateTree(parameters: EvaluateParameters): Record<string, unknown> {
  const gate = parameters.decision_gate
  if (!gate.enabled) return { enabled: false }
  return {
    enabled: gate.enabled,
    basis: gate.basis,
    method: gate.method,
    polynomial_order: gate.polynomial_order,
    k_sigma: gate.k_sigma,
    min_points: gate.min_points,
    exclude_last_for_sigma: gate.exclude_last_for_sigma,
    lookback_hours: gate.lookback_hours,
    sigma_epsilon: gate.sigma_epsilon,
    threshold_mode: gate.threshold_mode,
    central_confidence: gate.central_confidence,
    apply_in_fallback: gate.apply_in_fallback === true,
    // the predecessor's gate semantics (our defaults differ on purpose, PRODUCT §3)
    on_trigger: 'withdraw',
    tail: 'upper',
  }
}

function priorityByLogical(parameters: EvaluateParameters): Record<string, string[]> {
  const entries = Object.entries(parameters.priority_by_logical).map(
    ([logical, providers]) => [logical, providers.map((p) => p.trim()).filter((p) => KNOWN_PROVIDER.test(p.toLowerCase()))] as const,
  )
  return Object.fromEntries(entries.filter(([, providers]) => providers.length > 0))
}

function priceCompareTree(parameters: EvaluateParameters, assets: readonly string[]): Record<string, unknown> {
  const pc = parameters.price_compare
  if (!pc.enabled) return { enabled: false }
  const declared = pc.sources.map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const overrides: Record<string, Record<string, unknown>> = {}
  for (const asset of assets) {
    const override = pc.per_asset_overrides[asset] ?? pc.per_asset_overrides[asset.toLowerCase()]
    if (!override) continue
    const entry: Record<string, unknown> = {}
    if (override.epsilon_mode) entry.epsilon_mode = override.epsilon_mode.trim().toLowerCase() === 'absolute' ? 'absolute' : 'relative'
    if (override.tolerance_epsilon) entry.tolerance_epsilon = Number(override.tolerance_epsilon)
    overrides[asset] = entry
  }
  return {
    enabled: pc.enabled,
    sources: declared.length > 0 ? declared : parameters.prices_sources.length > 0 ? '@prices.sources' : ['liqwid', 'minswap'],
    epsilon_mode: pc.epsilon_mode.trim().toLowerCase() === 'absolute' ? 'absolute' : 'relative',
    tolerance_epsilon: pc.tolerance_epsilon,
    persistence_threshold: pc.persistence_threshold,
    action_on_mismatch: pc.action_on_mismatch,
    per_asset_overrides: overrides,
  }
}
