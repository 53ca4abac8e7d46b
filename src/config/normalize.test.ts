/** The normalized configuration (--print-config-normalized, /api/config/normalized). */
import { describe, expect, it } from 'bun:test'
import { resolve } from 'node:path'
import { loadConfigFile, loadConfigText } from './load.ts'
import { normalizedConfig, normalizedConfigJson } from './normalize.ts'
import { ROOT, roundTrips, WALLET_ENV } from './test-support.ts'

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON tree, walked by key in assertions
type JsonTree = any

describe('normalized output', () => {
  const secretYaml = `
wallets:
  - addr1qliteral0000000000000000000000000000000000000000000000
  - address_env: MAIN_WALLET
data:
  databases:
    greptime: {host: db, password_env: PGPASS}
runtime:
  auth: {enabled: true, username: admin, password_hash: "sha256:${'ab'.repeat(32)}"}
`
  const env = { MAIN_WALLET: 'addr1qfromenv000000000000000000000000000000000000000000000', PGPASS: 'hunter2' }

  it('redacts every secret and anything read from a *_env variable', () => {
    const printed = normalizedConfigJson(loadConfigText(secretYaml, env))
    expect(printed).not.toContain('hunter2')
    expect(printed).not.toContain('ab'.repeat(32))
    expect(printed).not.toContain(env.MAIN_WALLET)
    const tree = normalizedConfig(loadConfigText(secretYaml, env)) as JsonTree
    expect(tree.data.databases.greptime.password).toBe('<redacted>')
    expect(tree.runtime.auth.password_hash).toBe('<redacted>')
    expect(tree.resolved.wallets).toEqual(['addr1qliteral0000000000000000000000000000000000000000000000', '<redacted>'])
    expect(tree.data.databases.greptime.password_env).toBe('PGPASS')
  })

  it('fills every default and lists per-asset effective values', () => {
    const tree = normalizedConfig(loadConfigText('', {})) as JsonTree
    expect(tree.analysis.decision.gate).toMatchObject({ method: 'polynomial_fit', polynomial_order: 1, tail: 'both' })
    expect(tree.analysis.price_compare.sources).toEqual(['liqwid', 'minswap'])
    expect(Object.keys(tree.resolved.assets)).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
    expect(tree.resolved.assets.usdc).toMatchObject({ symbol: 'wanusdc', symbol_source: 'built-in' })
    expect(tree.resolved.table_names).toEqual({
      positionsPrefix: 'liqwid_supply_positions_',
      depositsPrefix: 'liqwid_deposits_',
      withdrawalsPrefix: 'liqwid_withdrawals_',
      minswapNamespace: 'minswap',
      minswapPrefix: 'minswap_prices_',
    })
    expect(Object.keys(tree)).toEqual([
      'settings',
      'wallets',
      'domain',
      'data',
      'prices',
      'collector',
      'analysis',
      'runtime',
      'visualization',
      'maintenance',
      'history',
      'notifications',
      'resolved',
    ])
  })

  it('normalizes to the same JSON when its own output is fed back', () => {
    roundTrips(loadConfigText(secretYaml, env), env)
    roundTrips(loadConfigText('', {}), {})
    roundTrips(loadConfigFile(resolve(ROOT, 'config/orchestrator_config.yaml'), {}), {})
    roundTrips(loadConfigFile(resolve(ROOT, 'tests/fixtures/predecessor_orchestrator_config.yaml'), WALLET_ENV), WALLET_ENV)
    roundTrips(loadConfigText('client: {assets: [djed]}\norchestrator: {decision_gate: {enabled: true, method: polynomial_fit}}', {}), {})
  })
})
