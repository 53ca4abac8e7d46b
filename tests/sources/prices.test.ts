import { afterEach, beforeEach, describe, expect, it } from 'bun:test'
import { AppError, isAppError } from '../../src/errors.ts'
import { captureLogs } from '../../src/log.ts'
import { createLiqwidClient } from '../../src/sources/liqwid.ts'
import { createMinswapClient } from '../../src/sources/minswap.ts'
import { canonicalMinswapAsset, createPriceSources, type PriceReader, type PriceSourcesOptions } from '../../src/sources/prices.ts'
import { parseTokenRegistry } from '../../src/sources/registry.ts'
import { SHIPPED_TOKEN_REGISTRY_CSV } from '../fakes/fixtures.ts'
import { liqwidMarket, startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { DEFAULT_ADA_USD, DEFAULT_PRICE_BY_ADA, startFakeMinswap, type FakeMinswap } from '../fakes/minswap.ts'

const MINSWAP_USD = DEFAULT_ADA_USD * DEFAULT_PRICE_BY_ADA
const SHIPPED_PRIORITY = { liqwid: ['greptime(liqwid)', 'liqwid'], minswap: ['greptime(minswap)', 'minswap'] }
/** Every provider gets a short deadline so the slow paths finish in milliseconds. */
const SHORT_DEADLINES = { 'greptime(liqwid)': 80, 'greptime(minswap)': 80, liqwid: 150, minswap: 150 }

let liqwid: FakeLiqwid
let minswap: FakeMinswap

beforeEach(() => {
  liqwid = startFakeLiqwid()
  minswap = startFakeMinswap()
})

afterEach(async () => {
  await Promise.all([liqwid.stop(), minswap.stop()])
})

const never: PriceReader = () => new Promise(() => {})
const fixed =
  (price: number | null): PriceReader =>
  async () =>
    price

function sources(overrides: Partial<PriceSourcesOptions> = {}) {
  return createPriceSources({
    sources: ['liqwid', 'minswap'],
    priorityByLogical: SHIPPED_PRIORITY,
    greptime: { liqwid: fixed(null), minswap: fixed(null) },
    liqwid: createLiqwidClient({ endpoint: liqwid.endpoint, timeoutMs: 1_000, retries: 0, backoffMs: 1 }),
    minswap: {
      client: createMinswapClient({ baseUrl: minswap.url, requestTimeoutSeconds: 1, retries: 0 }),
      registry: parseTokenRegistry(SHIPPED_TOKEN_REGISTRY_CSV).registry,
    },
    deadlinesMs: SHORT_DEADLINES,
    ...overrides,
  })
}

function outcomes(attempts: readonly { provider: string; outcome: string }[]) {
  return attempts.map(({ provider, outcome }) => `${provider}:${outcome}`)
}

describe('price sources', () => {
  it('takes the cached prices first and does not call the live APIs', async () => {
    const result = await sources({ greptime: { liqwid: fixed(1.001), minswap: fixed(0.999) } }).pricesFor('djed')
    expect(result.bySource).toEqual({
      liqwid: { price: 1.001, provider: 'greptime(liqwid)' },
      minswap: { price: 0.999, provider: 'greptime(minswap)' },
    })
    expect(outcomes(result.attempts)).toEqual(['greptime(liqwid):ok', 'greptime(minswap):ok'])
    expect(liqwid.requests).toHaveLength(0)
    expect(minswap.requests).toHaveLength(0)
  })

  it('falls through empty caches to the live Liqwid and Minswap prices', async () => {
    const result = await sources().pricesFor('djed')
    expect(result.bySource.liqwid).toEqual({ price: 1.0012, provider: 'liqwid' })
    expect(result.bySource.minswap?.provider).toBe('minswap')
    expect(result.bySource.minswap?.price).toBeCloseTo(MINSWAP_USD, 12)
    expect(outcomes(result.attempts)).toEqual(['greptime(liqwid):empty', 'liqwid:ok', 'greptime(minswap):empty', 'minswap:ok'])
    expect(result.attempts.map((attempt) => attempt.source)).toEqual(['liqwid', 'liqwid', 'minswap', 'minswap'])
  })

  it('moves on when the first provider times out, within its own deadline', async () => {
    const started = performance.now()
    const result = await sources({ greptime: { liqwid: never, minswap: never } }).pricesFor('djed')
    const elapsed = performance.now() - started
    expect(result.bySource.liqwid).toEqual({ price: 1.0012, provider: 'liqwid' })
    expect(result.bySource.minswap?.provider).toBe('minswap')
    expect(outcomes(result.attempts)).toEqual(['greptime(liqwid):timeout', 'liqwid:ok', 'greptime(minswap):timeout', 'minswap:ok'])
    const timedOut = result.attempts[0]!
    expect(timedOut.error).toBe('no price within 80 ms')
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(75)
    expect(timedOut.durationMs).toBeLessThan(300)
    // the two logical sources wait in parallel: one deadline, not two
    expect(elapsed).toBeLessThan(400)
  })

  it('does not let a hung Liqwid stall the Minswap price', async () => {
    liqwid.faults.add({ kind: 'hang' })
    const result = await sources().pricesFor('djed')
    expect(result.bySource.liqwid).toBeNull()
    expect(outcomes(result.attempts)).toEqual(['greptime(liqwid):empty', 'liqwid:timeout', 'greptime(minswap):empty', 'minswap:ok'])
    const minswapAttempt = result.attempts.find((attempt) => attempt.provider === 'minswap')!
    expect(minswapAttempt.durationMs).toBeLessThan(SHORT_DEADLINES.liqwid)
  })

  it('records failures and unusable prices as errors and keeps looking', async () => {
    const failing: PriceReader = async () => {
      throw new AppError('store_query', 'Table not found: liqwid_supply_positions_djed')
    }
    const result = await sources({ greptime: { liqwid: failing, minswap: fixed(0) } }).pricesFor('djed')
    expect(result.attempts.slice(0, 2)).toMatchObject([
      { provider: 'greptime(liqwid)', outcome: 'error', error: 'Table not found: liqwid_supply_positions_djed' },
      { provider: 'liqwid', outcome: 'ok' },
    ])
    expect(result.attempts[2]).toMatchObject({ provider: 'greptime(minswap)', outcome: 'error', error: 'unusable price 0' })
    expect(result.bySource.minswap?.provider).toBe('minswap')
  })

  it('leaves a stale Liqwid price out, with its own outcome, and compares what remains', async () => {
    liqwid.markets = [liqwidMarket({ id: 'DJED', assetSymbol: 'DJED', price: 1.0012, priceUpdatedAt: '2020-01-01T00:00:00Z' })]
    const stale = createLiqwidClient({ endpoint: liqwid.endpoint, timeoutMs: 1_000, retries: 0, backoffMs: 1, maxPriceAgeMs: 24 * 3_600_000 })
    const result = await sources({ liqwid: stale }).pricesFor('djed')
    expect(result.bySource.liqwid).toBeNull()
    expect(result.attempts[1]).toMatchObject({ provider: 'liqwid', outcome: 'stale' })
    expect(result.attempts[1]!.error).toContain('the DJED price was last updated 2020-01-01T00:00:00Z')
    expect(result.bySource.minswap?.provider).toBe('minswap')
  })

  it('has no price for a source whose providers all fail', async () => {
    liqwid.faults.add({ kind: 'status', status: 502 })
    minswap.faults.add({ kind: 'non_json' })
    const result = await sources().pricesFor('djed')
    expect(result.bySource).toEqual({ liqwid: null, minswap: null })
    expect(outcomes(result.attempts)).toEqual(['greptime(liqwid):empty', 'liqwid:error', 'greptime(minswap):empty', 'minswap:error'])
    expect(result.attempts[1]!.error).toStartWith('liqwid: HTTP 502')
  })

  it('marks providers without an endpoint or reader as disabled', async () => {
    const result = await sources({ greptime: {}, liqwid: null, minswap: null }).pricesFor('djed')
    expect(result.bySource).toEqual({ liqwid: null, minswap: null })
    expect(result.attempts.map(({ provider, outcome, error }) => [provider, outcome, error])).toEqual([
      ['greptime(liqwid)', 'disabled', 'no greptime(liqwid) reader'],
      ['liqwid', 'disabled', 'no Liqwid endpoint configured'],
      ['greptime(minswap)', 'disabled', 'no greptime(minswap) reader'],
      ['minswap', 'disabled', 'no Minswap endpoint configured'],
    ])
  })

  it('disables Minswap only for an asset missing from the registry, with one warning per asset', async () => {
    const lines: string[] = []
    const restore = captureLogs((line) => lines.push(line))
    try {
      const prices = sources()
      for (let evaluation = 0; evaluation < 3; evaluation++) {
        const ada = await prices.pricesFor('ada')
        expect(ada.attempts.at(-1)).toMatchObject({ provider: 'minswap', outcome: 'disabled', error: 'ada is not in the token registry' })
        expect((await prices.pricesFor('djed')).bySource.minswap?.provider).toBe('minswap')
      }
    } finally {
      restore()
    }
    const warnings = lines.filter((line) => line.includes('minswap price disabled'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('asset=ada')
  })

  it('matches provider names case-insensitively and rejects unknown ones at construction', () => {
    expect(() => sources({ priorityByLogical: { liqwid: [' Greptime(Liqwid) ', 'LIQWID'], minswap: ['Minswap'] } })).not.toThrow()
    let caught: unknown
    try {
      sources({ priorityByLogical: { liqwid: ['greptime(liqwid)', 'liqwid_graphql'] } })
    } catch (error) {
      caught = error
    }
    expect(isAppError(caught, 'config_invalid')).toBe(true)
    expect((caught as Error).message).toBe(
      'prices.priority_by_logical.liqwid[1]: unknown provider "liqwid_graphql" (expected one of greptime(liqwid), greptime(minswap), liqwid, minswap)',
    )
  })

  it("uses a logical source's own live provider when it has no list", async () => {
    const result = await sources({ priorityByLogical: {} }).pricesFor('djed')
    expect(outcomes(result.attempts)).toEqual(['liqwid:ok', 'minswap:ok'])
  })

  it('rethrows when the caller aborts', async () => {
    const controller = new AbortController()
    const pending = sources({
      greptime: { liqwid: never, minswap: never },
      deadlinesMs: { 'greptime(liqwid)': 5_000, 'greptime(minswap)': 5_000 },
    }).pricesFor('djed', controller.signal)
    controller.abort(new Error('evaluation cancelled'))
    await expect(pending).rejects.toThrow('evaluation cancelled')
  })
})

describe('decision price', () => {
  it('asks live Liqwid first and never the caches', async () => {
    const result = await sources({ greptime: { liqwid: fixed(5), minswap: fixed(5) } }).decisionPrice('usdc')
    expect(result.price).toEqual({ price: 0.9998, provider: 'liqwid' })
    expect(outcomes(result.attempts)).toEqual(['liqwid:ok'])
  })

  it('falls back to Minswap, looked up by display name (usdc, not wanusdc)', async () => {
    const result = await sources({ liqwid: null }).decisionPrice('usdc')
    expect(result.price?.provider).toBe('minswap')
    expect(outcomes(result.attempts)).toEqual(['liqwid:disabled', 'minswap:ok'])
    const tokens = minswap.requests.find((request) => request.path === '/aggregator/tokens')
    expect((tokens!.body as { assets: string[] }).assets).toEqual(['25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff93555534443'])
  })

  it('follows prices.sources order and is null when nothing answers', async () => {
    const minswapFirst = sources({ sources: ['minswap', 'liqwid'] })
    expect((await minswapFirst.decisionPrice('djed')).price?.provider).toBe('minswap')
    const nothing = await sources({ liqwid: null, minswap: null }).decisionPrice('djed')
    expect(nothing.price).toBeNull()
  })
})

describe('canonicalMinswapAsset', () => {
  it('wraps the bridged stablecoins only', () => {
    expect(['usdc', ' USDT ', 'djed', 'iusd'].map(canonicalMinswapAsset)).toEqual(['wanusdc', 'wanusdt', 'djed', 'iusd'])
  })
})
