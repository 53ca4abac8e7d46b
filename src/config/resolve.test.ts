/** Resolution: environment expansion and the per-asset, once-computed values of config/resolve.ts. */
import { describe, expect, it } from 'bun:test'
import { loadConfigText } from './load.ts'

describe('environment expansion', () => {
  it('expands ${VAR} in string values and keeps $$ as a literal $', () => {
    const config = loadConfigText('data: {databases: {greptime: {host: "${DB_HOST}", user: "ops$$1"}}}', { DB_HOST: 'db.internal' }).config
    expect(config.data.databases.greptime!.host).toBe('db.internal')
    expect(config.data.databases.greptime!.user).toBe('ops$1')
  })

  it('reads the database password from password_env, which wins over password', () => {
    const config = loadConfigText('data: {databases: {greptime: {password: literal, password_env: PGPASS}}}', { PGPASS: 's3cret' }).config
    expect(config.data.databases.greptime!.password).toBe('s3cret')
  })
})

describe('resolution per asset', () => {
  it('defaults the tail by on_trigger: both for hold, upper for withdraw', () => {
    expect(loadConfigText('', {}).config.analysis.decision.gate.tail).toBe('both')
    const withdraw = loadConfigText('analysis: {decision: {gate: {on_trigger: withdraw}}}', {}).config
    expect(withdraw.analysis.decision.gate.tail).toBe('upper')
  })

  it("keeps the predecessor's default order: 1 without method, 2 with an explicit polynomial_fit", () => {
    expect(loadConfigText('', {}).config.analysis.decision.gate.polynomial_order).toBe(1)
    const explicit = loadConfigText('analysis: {decision: {gate: {method: polynomial_fit}}}', {}).config
    expect(explicit.analysis.decision.gate.polynomial_order).toBe(2)
  })

  it('applies gate.per_asset and the gate.assets whitelist', () => {
    const config = loadConfigText(
      `analysis: {decision: {gate: {enabled: true, assets: [djed, usdm], k_sigma: 2, per_asset: {djed: {k_sigma: 3, method: median, lookback_hours: 24}}}}}`,
      {},
    ).config
    const { djed, usdm, usdc } = config.resolved.assets
    expect(djed!.settings.gate).toMatchObject({ enabled: true, k_sigma: 3, method: 'median', lookback_hours: 24 })
    expect(usdm!.settings.gate).toMatchObject({ enabled: true, k_sigma: 2, method: 'polynomial_fit', lookback_hours: null })
    expect(usdc!.settings.gate.enabled).toBe(false)
  })

  it('honours a per-asset tolerance of 0 (the predecessor fell back to the default)', () => {
    const config = loadConfigText(
      'analysis: {price_compare: {per_asset_overrides: {djed: {tolerance_epsilon: 0, epsilon_mode: absolute}}}}',
      {},
    ).config
    expect(config.resolved.assets.djed!.settings.price_compare).toMatchObject({ tolerance_epsilon: 0, epsilon_mode: 'absolute' })
    expect(config.resolved.assets.usdm!.settings.price_compare).toMatchObject({ tolerance_epsilon: 0.01, epsilon_mode: 'relative' })
  })

  it('resolves display names to table symbols, with domain.symbols winning', () => {
    const config = loadConfigText('domain: {assets: [usdc, usdt, iusd], symbols: {iusd: iusd_v2}}', {}).config
    expect(config.resolved.assets.usdc!.symbol).toBe('wanusdc')
    expect(config.resolved.assets.usdt).toMatchObject({ symbol: 'wanusdt', symbol_source: 'built-in' })
    expect(config.resolved.assets.iusd!.symbol).toBe('iusd_v2')
  })

  it('resolves every instant and duration once, naive times in settings.timezone', () => {
    const config = loadConfigText(
      [
        'settings: {timezone: Asia/Tokyo}',
        'data: {date_range: {start: "2026-11-20", end: "2026-11-21T00:00:00Z"}}',
        'visualization: {diagnostics: {plot_range: {mode: custom, start: "2026-11-20T09:00", end: null}}}',
        'maintenance: {cleanup: {expire_before: 1.5h}}',
      ].join('\n'),
      {},
    ).config
    expect(config.resolved.date_range).toEqual({ start: Date.UTC(2026, 10, 19, 15), end: Date.UTC(2026, 10, 21) })
    expect(config.resolved.plot_range).toEqual({ mode: 'custom', start: Date.UTC(2026, 10, 20), end: null })
    expect(config.resolved.cleanup_expiry).toEqual({ kind: 'age', age_ms: 5_400_000 })
    const relative = loadConfigText('visualization: {diagnostics: {plot_range: {mode: relative, relative_duration: 90m}}}', {}).config
    expect(relative.resolved.plot_range).toEqual({ mode: 'relative', duration_ms: 5_400_000 })
    expect(loadConfigText('', {}).config.resolved).toMatchObject({ plot_range: { mode: 'inherit' }, cleanup_expiry: null })
  })

  it('normalizes cleanup extensions to a leading dot', () => {
    const config = loadConfigText('maintenance: {cleanup: {extensions: [png, ".CSV"]}}', {}).config
    expect(config.maintenance.cleanup.extensions).toEqual(['.png', '.csv'])
  })
})
