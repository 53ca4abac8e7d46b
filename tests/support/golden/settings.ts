/**
 * Maps a golden case's `parameters` (the predecessor's effective configuration under its internal
 * names: safety_factor_c, decision_gate.*, reference_keyword, price_compare.*, …) onto the engine's
 * resolved per-asset settings. In production `config/` does this from YAML; here it is done from
 * the case so that the same AssetSettings drive the in-memory and the database paths.
 *
 * Gate cases express the predecessor's semantics, so the gate runs with `on_trigger: withdraw` and
 * `tail: upper` (golden/README.md).
 */
import { ALIGNMENT_METHODS, type AlignmentMethod, type AssetSettings, type PriceCompareSettings } from '../../../src/engine/settings.ts'
import type { EvaluateParameters } from './cases.ts'
import { assetSettings } from '../../../src/engine/test-fixtures.ts'

export function alignmentFrom(value: string | null | undefined): AlignmentMethod {
  const method = (value ?? 'none').trim().toLowerCase()
  return (ALIGNMENT_METHODS as readonly string[]).includes(method) ? (method as AlignmentMethod) : 'none'
}

export function settingsFromCase(parameters: EvaluateParameters, asset: string): AssetSettings {
  const gate = parameters.decision_gate
  return {
    alignment_method: alignmentFrom(parameters.alignment_method),
    tx_timestamp_source: parameters.tx_timestamp_source.trim().toLowerCase() === 'created_at' ? 'created_at' : 'timestamp',
    reference: {
      keyword: parameters.reference_keyword,
      fallback: (parameters.reference_keyword_fallback ?? 'null').toLowerCase() === 'data_range' ? 'data_range' : 'null',
    },
    safety_factor: parameters.safety_factor_c,
    gate: {
      enabled: gate.enabled,
      basis: gate.basis.toLowerCase() === 'change_rate_usd' ? 'change_rate_usd' : 'corrected_position',
      method: gate.method.toLowerCase() === 'median' ? 'median' : 'polynomial_fit',
      polynomial_order: gate.polynomial_order,
      k_sigma: gate.k_sigma,
      min_points: gate.min_points,
      exclude_last_for_sigma: gate.exclude_last_for_sigma,
      // the predecessor's fit: every point, the judged one included; σ as a standard deviation
      holdout: 0,
      holdout_minutes: null,
      sigma: 'std',
      lookback_hours: gate.lookback_hours,
      sigma_epsilon: gate.sigma_epsilon,
      threshold_mode: gate.threshold_mode.toLowerCase() === 'percentile' ? 'percentile' : 'stddev',
      central_confidence: gate.central_confidence,
      on_trigger: 'withdraw',
      tail: 'upper',
      apply_in_fallback: gate.apply_in_fallback === true,
    },
    price_compare: priceCompareFrom(parameters, asset),
    // visualization only: the cases never depend on it
    trend: assetSettings().trend,
  }
}

/** §7.7: logical sources, then the per-asset override with the predecessor's `or` fallback. */
function priceCompareFrom(parameters: EvaluateParameters, asset: string): PriceCompareSettings {
  const pc = parameters.price_compare
  const declared = pc.sources.map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const sources = declared.length > 0 ? declared : parameters.prices_sources.length > 0 ? parameters.prices_sources : ['liqwid', 'minswap']
  const override = pc.per_asset_overrides[asset] ?? pc.per_asset_overrides[asset.toLowerCase()] ?? {}
  const mode = (override.epsilon_mode || pc.epsilon_mode).toLowerCase() === 'absolute' ? 'absolute' : 'relative'
  return {
    enabled: pc.enabled,
    sources: [...new Set(sources)],
    epsilon_mode: mode,
    tolerance_epsilon: Number(override.tolerance_epsilon || pc.tolerance_epsilon),
    persistence_threshold: pc.persistence_threshold,
    action_on_mismatch: pc.action_on_mismatch.toLowerCase() === 'flag_only' ? 'flag_only' : 'hold',
  }
}
