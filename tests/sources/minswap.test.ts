import { afterEach, beforeEach, describe, expect, it } from 'bun:test'
import { createMinswapClient, type MinswapClient } from '../../src/sources/minswap.ts'
import { SHIPPED_TOKEN_IDS } from '../fakes/fixtures.ts'
import { DEFAULT_ADA_USD, DEFAULT_PRICE_BY_ADA, startFakeMinswap, type FakeMinswap } from '../fakes/minswap.ts'
import { appErrorOf } from '../support/errors.ts'

const DJED = SHIPPED_TOKEN_IDS.djed!

let minswap: FakeMinswap
let client: MinswapClient

beforeEach(() => {
  minswap = startFakeMinswap()
  client = createMinswapClient({ baseUrl: `${minswap.url}/`, requestTimeoutSeconds: 0.3, retries: 1, backoffMs: 5 })
})

afterEach(async () => {
  await minswap.stop()
})

const failure = appErrorOf

describe('Minswap aggregator', () => {
  it('prices a token in USD as price_by_ada × ada_usd', async () => {
    minswap.adaUsd = 0.5
    minswap.setPriceByAda(DJED, 2.04)
    expect(await client.latestPriceUsd(DJED)).toBeCloseTo(1.02, 12)
  })

  it('sends the documented requests', async () => {
    await client.latestPriceUsd(DJED.toUpperCase())
    const ada = minswap.requests.find((request) => request.path === '/aggregator/ada-price')
    const tokens = minswap.requests.find((request) => request.path === '/aggregator/tokens')
    expect(ada).toMatchObject({ method: 'GET', query: { currency: 'usd' } })
    expect(tokens).toMatchObject({ method: 'POST', body: { query: '', only_verified: false, assets: [DJED] } })
    expect(tokens!.headers['content-type']).toBe('application/json')
    expect(tokens!.headers['user-agent']).toBe('WO/price-compare')
  })

  it('has no price for a token the aggregator does not list, or lists without a price', async () => {
    expect(await client.latestPriceUsd(`${'ff'.repeat(28)}00`)).toBeNull()
    minswap.setPriceByAda(DJED, null)
    expect(await client.latestPriceUsd(DJED)).toBeNull()
  })

  it('has no price when the ADA price is missing', async () => {
    minswap.adaUsd = null
    expect(await client.adaPrice()).toBeNull()
    expect(await client.latestPriceUsd(DJED)).toBeNull()
  })

  it('fails without retry on a non-JSON content type', async () => {
    minswap.faults.add({ kind: 'non_json' })
    const error = await failure(client.adaPrice())
    expect(error.code).toBe('upstream_invalid')
    expect(error.message).toBe('minswap: expected application/json, got "text/html; charset=utf-8"')
    expect(minswap.requests).toHaveLength(1)
  })

  it('fails without retry on malformed JSON', async () => {
    minswap.faults.add({ kind: 'malformed_json' })
    expect((await failure(client.tokenPriceByAda(DJED))).code).toBe('upstream_invalid')
    expect(minswap.requests).toHaveLength(1)
  })

  it('retries HTTP 500 as many times as configured', async () => {
    minswap.faults.add({ kind: 'status', status: 500 }, 1)
    expect(await client.adaPrice()).toBe(DEFAULT_ADA_USD)
    expect(minswap.requests).toHaveLength(2)

    minswap.faults.add({ kind: 'status', status: 503 })
    const error = await failure(client.adaPrice())
    expect(error.message).toStartWith('minswap: HTTP 503')
    expect(minswap.requests).toHaveLength(4)
  })

  it('times out a server that never answers', async () => {
    minswap.faults.add({ kind: 'hang' })
    const started = performance.now()
    const error = await failure(client.tokenPriceByAda(DJED))
    expect(error.code).toBe('upstream_timeout')
    expect(performance.now() - started).toBeLessThan(1_500)
    expect(minswap.requests).toHaveLength(2)
  })

  it('answers after a slow response that stays within the timeout', async () => {
    minswap.faults.add({ kind: 'delay', ms: 50 })
    expect(await client.tokenPriceByAda(DJED)).toBe(DEFAULT_PRICE_BY_ADA)
  })
})
