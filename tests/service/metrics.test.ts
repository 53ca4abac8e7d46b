/**
 * The metrics a Prometheus scrape sees after real evaluations of a hand-made market with known
 * answers (tests/support/service/market.ts), readiness around the first evaluation, and the
 * removal of label sets that the next evaluation no longer produces.
 *
 * What "an asset leaves the config" means for a running process: the configuration is loaded
 * once and frozen — there is no reload — so the asset list only changes across a restart, which
 * starts with an empty registry. Within a process the label sets of an asset change when its
 * ref_mode, its resolved symbol or its price sources change, or when it errors. The mechanism is
 * the same for all of these: `metrics.update` rebuilds every family from the result it is given.
 * Both are tested: label sets an evaluation stops producing, and a result without an asset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import packageJson from '../../package.json' with { type: 'json' }
import { EXPOSABLE_METRICS } from '../../src/config/schema.ts'
import { evaluate } from '../../src/evaluation/evaluate.ts'
import { WALLET_A, WALLET_B } from '../fakes/fixtures.ts'
import { startFakeLiqwid, type FakeLiqwid } from '../fakes/liqwid.ts'
import { SETUP_TIMEOUT_MS } from '../support/pg.ts'
import { baseConfig, loadTestConfig, withConfig, type ConfigTree } from '../support/service/config.ts'
import { helpTexts, parseExposition, seriesOf, sampleValue, type MetricSample } from '../support/service/exposition.ts'
import { KNOWN, writeKnownMarket, type KnownMarket } from '../support/service/market.ts'
import { startTestServices, type ServiceHarness } from '../support/service/services.ts'
import { openEmbedded, type OpenedData } from '../support/service/stores.ts'

const EVERY_METRIC = Object.fromEntries(Object.keys(EXPOSABLE_METRICS).map((key) => [key, true]))

/** The fake Liqwid API answers the live decision-time price (price_t1): DJED 1.0012. */
const LIVE_DJED_PRICE = 1.0012

function marketConfig(data: ConfigTree, assets: string[], liqwid: FakeLiqwid | null = null): ConfigTree {
  return withConfig(baseConfig(data), {
    domain: { assets },
    prices: { endpoints: { liqwid_graphql: liqwid?.endpoint ?? null } },
    analysis: { price_compare: { enabled: true } },
    runtime: { telemetry: { expose: EVERY_METRIC } },
  })
}

async function scrape(harness: ServiceHarness): Promise<{ text: string; samples: MetricSample[] }> {
  const response = await harness.app.request('/metrics')
  expect(response.status).toBe(200)
  const text = await response.text()
  return { text, samples: parseExposition(text) }
}

describe('metrics of an evaluation on a known market', () => {
  let opened: OpenedData
  let liqwid: FakeLiqwid
  let harness: ServiceHarness
  let market: KnownMarket
  let readyBefore: Response
  let scrapeBefore: MetricSample[]
  let text: string
  let samples: MetricSample[]

  beforeAll(async () => {
    opened = await openEmbedded()
    liqwid = startFakeLiqwid()
    harness = await startTestServices(marketConfig(opened.data, ['djed', 'usdc'], liqwid))
    market = await writeKnownMarket(harness.writer, Date.now(), { usdc: true })
    readyBefore = await harness.app.request('/readyz')
    scrapeBefore = (await scrape(harness)).samples
    expect(await harness.services.runEvaluation()).not.toBeNull()
    ;({ text, samples } = await scrape(harness))
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await harness?.close()
    await liqwid?.stop()
    await opened?.close()
  }, SETUP_TIMEOUT_MS)

  const djed = { asset: 'djed', alternate_asset_name: '', ref_mode: 'keyword' }

  it('is not ready and exports no decision before the first evaluation', async () => {
    expect(readyBefore.status).toBe(503)
    expect(await readyBefore.json()).toEqual({ status: 'starting', reason: 'waiting for the first evaluation' })
    expect(seriesOf(scrapeBefore, 'wo_decision')).toEqual([])
    expect(sampleValue(scrapeBefore, 'wo_build_info')).toBe(1)
  })

  it('is ready after the first evaluation, naming the assets in error', async () => {
    const response = await harness.app.request('/readyz')
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ready', evaluations: 1, assets_in_error: [] })
  })

  it('exports the decision, W_max and the numbers behind it with their known values', () => {
    expect(sampleValue(samples, 'wo_decision', djed)).toBe(KNOWN.djed.decision)
    expect(sampleValue(samples, 'wo_wmax_usd', djed)).toBe(KNOWN.djed.wmaxUsd)
    expect(sampleValue(samples, 'wo_v_ref_usd', djed)).toBe(KNOWN.djed.vRefUsd)
    expect(sampleValue(samples, 'wo_v_t1_usd', djed)).toBe(KNOWN.djed.vT1Usd)
    expect(sampleValue(samples, 'wo_g_usd', djed)).toBeCloseTo(KNOWN.djed.gUsd, 9)
    expect(sampleValue(samples, 'wo_price_t1_usd', djed)).toBe(LIVE_DJED_PRICE)
    expect(sampleValue(samples, 'wo_t0_timestamp_seconds', djed)).toBe(market.t0 / 1000)
    expect(sampleValue(samples, 'wo_t1_timestamp_seconds', djed)).toBe(market.t1 / 1000)
    // what the decision allows now, and how old the newest sample was at the evaluation
    expect(sampleValue(samples, 'wo_withdrawable_usd', djed)).toBe(KNOWN.djed.wmaxUsd)
    expect(sampleValue(samples, 'wo_data_age_seconds', djed)).toBe((harness.services.latest.current!.result.at - market.t1) / 1000)
  })

  it('labels a wrapped asset with its table symbol and its reference mode', () => {
    const usdc = { asset: 'usdc', alternate_asset_name: 'wanusdc', ref_mode: 'null' }
    expect(sampleValue(samples, 'wo_decision', usdc)).toBe(0)
    expect(sampleValue(samples, 'wo_wmax_usd', usdc)).toBe(0)
    expect(sampleValue(samples, 'wo_withdrawable_usd', usdc)).toBe(0)
    expect(seriesOf(samples, 'wo_decision').map((sample) => sample.labels)).toEqual([djed, usdc])
  })

  it('exports prices by logical source, their comparison and the rates', () => {
    const pair = { asset: 'djed', alternate_asset_name: '' }
    expect(sampleValue(samples, 'wo_price_usd', { ...pair, source: 'liqwid' })).toBe(KNOWN.djed.priceUsd)
    expect(sampleValue(samples, 'wo_price_usd', { ...pair, source: 'minswap' })).toBe(KNOWN.djed.minswapPriceUsd)
    expect(sampleValue(samples, 'wo_price_delta_abs', pair)).toBeCloseTo(0.004, 12)
    expect(sampleValue(samples, 'wo_price_delta_rel', pair)).toBeCloseTo(0.004 / 1.004, 12)
    expect(sampleValue(samples, 'wo_price_mismatch', pair)).toBe(0)
    expect(sampleValue(samples, 'wo_price_compare_unavailable', pair)).toBe(0)
    expect(sampleValue(samples, 'wo_rate_usd', { ...pair, source: 'greptime(liqwid)' })).toBe(1)
    expect(sampleValue(samples, 'wo_rate_ada', { ...pair, source: 'greptime(minswap)' })).toBeCloseTo(2.008, 12)
  })

  it('leaves the gate metrics out when the gate did not run', () => {
    for (const name of ['wo_residual_usd', 'wo_sigma_usd', 'wo_k_sigma', 'wo_residual_trigger']) expect(seriesOf(samples, name)).toEqual([])
  })

  it('exports the process metrics: build, success, duration, last evaluation time', () => {
    const build = seriesOf(samples, 'wo_build_info')
    expect(build).toHaveLength(1)
    expect(build[0]!.labels.version).toBe(packageJson.version)
    expect(build[0]!.labels.commit).toBeTruthy()
    expect(sampleValue(samples, 'wo_last_eval_success')).toBe(1)
    expect(sampleValue(samples, 'wo_evaluation_duration_seconds_count')).toBe(1)
    const at = harness.services.latest.current!.result.at
    expect(sampleValue(samples, 'wo_last_eval_timestamp_seconds')).toBe(at / 1000)
  })

  it('keeps the predecessor’s help texts', () => {
    const help = helpTexts(text)
    expect(help.get('wo_decision')).toBe('Decision: 1=WITHDRAW_OK, 0=HOLD, -1=ERROR')
    expect(help.get('wo_wmax_usd')).toBe('Max allowable withdrawal in USD')
    expect(help.get('wo_price_usd')).toBe('Price by source (USD)')
    expect(help.get('wo_rate_ada')).toBe('ADA rate time series (price_usd/ada_usd, minswap)')
    expect(help.get('wo_last_eval_timestamp_seconds')).toBe('Last evaluation timestamp (epoch seconds)')
  })

  it('serves the same numbers as JSON, with full addresses for the trusted local operator', async () => {
    const response = await harness.app.request('/api/decisions')
    const body = (await response.json()) as Record<string, Record<string, unknown>>
    expect(body.djed).toMatchObject({
      decision: 1,
      decision_label: 'WITHDRAW_OK',
      ref_mode: 'keyword',
      wmax_usd: KNOWN.djed.wmaxUsd,
      t0_ts: market.t0 / 1000,
      t1_ts: market.t1 / 1000,
      prices_by_source: { liqwid: 1, minswap: 1.004 },
      price_mismatch: 0,
      price_compare_unavailable: 0,
      residual_usd: null,
    })
    expect(body.djed!.wallet_breakdown).toEqual([
      { wallet_address: WALLET_A, abbreviated_address: `${WALLET_A.slice(0, 11)}...${WALLET_A.slice(-6)}`, ...KNOWN.wallets[WALLET_A] },
      { wallet_address: WALLET_B, abbreviated_address: `${WALLET_B.slice(0, 11)}...${WALLET_B.slice(-6)}`, ...KNOWN.wallets[WALLET_B] },
    ])
    expect(body.djed).toMatchObject({ withdrawable_usd: KNOWN.djed.wmaxUsd, reason_code: null, reason_text: null, peg_off: false })
    expect(body.djed!.withdrawable_units).toBeCloseTo(KNOWN.djed.wmaxUsd / (body.djed!.price_usd as number), 9)
    expect(body.usdc).toMatchObject({ decision: 0, decision_label: 'HOLD', ref_mode: 'null', wmax_usd: 0, withdrawable_usd: 0 })
    expect(String(body.usdc!.reason)).toContain("no reference withdrawal tagged 'alert_driven'")
    expect(body.usdc).toMatchObject({ reason_code: 'no_reference', reason_codes: ['no_reference'] })
    expect(String(body.usdc!.reason_text)).toBe('There is no reference withdrawal for USDC to measure a gain from.')
    expect(String(body.usdc!.reason_action)).toContain('Tag your last withdrawal')
  })
})

describe('stale label sets', () => {
  let opened: OpenedData
  let harness: ServiceHarness

  beforeAll(async () => {
    opened = await openEmbedded()
    harness = await startTestServices(marketConfig(opened.data, ['djed', 'usdc']))
    await writeKnownMarket(harness.writer, Date.now(), { usdc: true })
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await harness?.close()
    await opened?.close()
  }, SETUP_TIMEOUT_MS)

  it('disappear when the next evaluation no longer produces them (reference, prices and rates gone)', async () => {
    await harness.services.runEvaluation()
    const before = (await scrape(harness)).samples
    expect(seriesOf(before, 'wo_decision', { asset: 'djed', ref_mode: 'keyword' })).toHaveLength(1)
    expect(seriesOf(before, 'wo_price_usd', { asset: 'djed' })).toHaveLength(2)

    // The data of djed vanishes: the same asset now has no reference, no price and no rate.
    await harness.writer.dropTables('djed')
    await harness.services.runEvaluation()
    const after = (await scrape(harness)).samples

    expect(seriesOf(after, 'wo_decision', { asset: 'djed' }).map((sample) => [sample.labels.ref_mode, sample.value])).toEqual([['null', 0]])
    for (const name of ['wo_wmax_usd', 'wo_v_ref_usd', 'wo_g_usd', 'wo_t0_timestamp_seconds'])
      expect(seriesOf(after, name, { asset: 'djed', ref_mode: 'keyword' })).toEqual([])
    for (const name of ['wo_price_usd', 'wo_price_delta_abs', 'wo_price_delta_rel', 'wo_rate_usd', 'wo_rate_ada'])
      expect(seriesOf(after, name, { asset: 'djed' })).toEqual([])
    expect(sampleValue(after, 'wo_price_compare_unavailable', { asset: 'djed' })).toBe(1)
    expect(sampleValue(after, 'wo_price_mismatch', { asset: 'djed' })).toBe(0)
    // the untouched asset keeps its series
    expect(sampleValue(after, 'wo_decision', { asset: 'usdc', ref_mode: 'null' })).toBe(0)
  })

  it('of an asset missing from the next result (as after a configuration change) are all removed', async () => {
    await harness.services.runEvaluation()
    expect(seriesOf((await scrape(harness)).samples, 'wo_decision', { asset: 'usdc' })).toHaveLength(1)

    const withoutUsdc = loadTestConfig(marketConfig(opened.data, ['djed'])).config
    const { store, prices } = harness.services
    const result = await evaluate(withoutUsdc, { reader: store.reader, prices }, Date.now())
    await harness.services.metrics.update(result)

    const after = (await scrape(harness)).samples
    expect(after.filter((sample) => sample.labels.asset === 'usdc')).toEqual([])
    expect(seriesOf(after, 'wo_decision', { asset: 'djed' })).toHaveLength(1)
  })

  it('of an asset that errors are replaced by its ERROR series', async () => {
    const withMissing = loadTestConfig(marketConfig(opened.data, ['usdc', 'iusd'])).config
    const { store, prices } = harness.services
    const result = await evaluate(withMissing, { reader: store.reader, prices }, Date.now())
    await harness.services.metrics.update(result)
    const after = (await scrape(harness)).samples
    expect(seriesOf(after, 'wo_decision', { asset: 'iusd' }).map((sample) => [sample.labels, sample.value])).toEqual([
      [{ asset: 'iusd', alternate_asset_name: '', ref_mode: 'unknown' }, -1],
    ])
    expect(sampleValue(after, 'wo_last_eval_success')).toBe(0)
    expect(seriesOf(after, 'wo_decision', { asset: 'djed' })).toEqual([])
  })
})
