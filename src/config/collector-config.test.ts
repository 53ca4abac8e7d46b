import { describe, expect, it } from 'bun:test'
import { ConfigError, loadConfigText } from './load.ts'
import { normalizedConfig } from './normalize.ts'

const PAYMENT = 'addr1qy2jt0qpqz2z2z9zx5w4xemekkce7yderz53kjue53lpqv90lkfa9sgrfjuz6uvt4uqtrqhl2kj0a9lnr9ndzutx32gqleeckv'
const STAKE = 'stake1uyrx65wjqjgeeksd8hptmcgl5jfyrqkfq0xe8xlp367kphsckq250'

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfigText(yaml, env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`)
    throw error
  }
  throw new Error('expected the configuration to be rejected')
}

describe('collector configuration', () => {
  it('is off by default, every 5 minutes, on the top-level wallets and domain.assets, against Koios mainnet', () => {
    const config = loadConfigText(`wallets: [${PAYMENT}]\ndomain: {assets: [djed, usdc]}`, {}).config
    expect(config.collector).toEqual({ enabled: false, interval_minutes: 5, wallets: null, assets: null, koios_token_env: null, timeout_seconds: 20 })
    expect(config.prices.endpoints.koios).toBe('https://api.koios.rest/api/v1')
    expect(config.resolved.collector).toEqual({ wallets: [PAYMENT], assets: ['djed', 'usdc'], koios_token: null })
  })

  it('takes its own wallets, stake addresses included, and a subset of the assets', () => {
    const yaml = `domain: {assets: [djed, usdm]}\ncollector: {enabled: true, wallets: [${STAKE}, {address_env: MY_WALLET}], assets: [usdm]}`
    const config = loadConfigText(yaml, { MY_WALLET: PAYMENT }).config
    expect(config.resolved.collector.wallets).toEqual([STAKE, PAYMENT])
    expect(config.resolved.collector.assets).toEqual(['usdm'])
  })

  it('reads the Koios token once from its variable and never prints it', () => {
    const loaded = loadConfigText(`wallets: [${PAYMENT}]\ncollector: {enabled: true, koios_token_env: KOIOS_TOKEN}`, { KOIOS_TOKEN: 'eyJsecret' })
    expect(loaded.config.resolved.collector.koios_token).toBe('eyJsecret')
    const printed = normalizedConfig(loaded) as { resolved: { collector: { koios_token: string } } }
    expect(printed.resolved.collector.koios_token).toBe('<redacted>')
    expect(JSON.stringify(printed)).not.toContain('eyJsecret')
  })

  it('redacts wallets read from the environment, also where the collector copies them', () => {
    const printed = normalizedConfig(loadConfigText('wallets: [{address_env: W}]\ncollector: {enabled: true}', { W: PAYMENT })) as {
      resolved: { wallets: string[]; collector: { wallets: string[] } }
    }
    expect(printed.resolved.collector.wallets).toEqual(['<redacted>'])
    expect(JSON.stringify(printed)).not.toContain(PAYMENT)
  })

  it('names every problem by its path', () => {
    expect(problemsOf('collector: {enabled: true}')).toContain(
      'collector.wallets: the collector is enabled but has no wallet: list them here or in the top-level wallets',
    )
    expect(problemsOf(`collector: {enabled: true, wallets: [${PAYMENT}]}\nprices: {endpoints: {koios: null}}`)).toContain(
      'prices.endpoints.koios: is required when collector.enabled is true',
    )
    expect(problemsOf('collector: {wallets: [bc1qbitcoin]}')[0]).toStartWith('collector.wallets[0]: must be a Cardano address')
    expect(problemsOf('collector: {assets: [btc]}')[0]).toStartWith("collector.assets.btc: 'btc' is not in domain.assets")
    expect(problemsOf('collector: {interval_minutes: 0}')).toContain('collector.interval_minutes: must be in [0.01,1440] (got: 0)')
    expect(problemsOf(`collector: {koios_token_env: NOPE, wallets: [${STAKE}]}`)[0]).toStartWith('collector.koios_token_env:')
  })
})
