/**
 * The cross-check: what Liqwid's `historical.yieldEarned` says the collected payment addresses
 * earned, shown on the dashboard beside our corrected gain — and only there: a failing yield
 * query neither fails the tick nor shows anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startFakeKoios, type FakeKoios } from '../fakes/koios.ts'
import { receiptUnit, startFakeLiqwidMarkets, type FakeLiqwidMarkets } from '../fakes/liqwid-markets.ts'
import { baseConfig, withConfig } from '../support/service/config.ts'
import { startTestServices, type ServiceHarness } from '../support/service/services.ts'
import { openEmbedded, type OpenedData } from '../support/service/stores.ts'

const PAYMENT = 'addr1qy2jt0qpqz2z2z9zx5w4xemekkce7yderz53kjue53lpqv90lkfa9sgrfjuz6uvt4uqtrqhl2kj0a9lnr9ndzutx32gqleeckv'
const OTHER = 'addr1q9xvgr4ehvu5k5tmaly7ugpnvekpqvnxj8xy50pa7kyetlnhel389pa4rnq6fmkzwsaynmw0mnldhlmchn2sfd589fgsz9dd0y'
const STAKE = 'stake1uyrx65wjqjgeeksd8hptmcgl5jfyrqkfq0xe8xlp367kphsckq250'

describe('Liqwid yield cross-check', () => {
  let opened: OpenedData
  let koios: FakeKoios
  let liqwid: FakeLiqwidMarkets
  let harness: ServiceHarness

  beforeAll(async () => {
    opened = await openEmbedded()
    koios = startFakeKoios()
    liqwid = startFakeLiqwidMarkets()
    koios.hold(PAYMENT, receiptUnit('DJED'), '50000000000')
    koios.hold(STAKE, receiptUnit('DJED'), '1000000')
    liqwid.earned.set(PAYMENT, { DJED: 10.5, USDM: 3 })
    liqwid.earned.set(OTHER, { DJED: 1000 }) // not a collected wallet
    harness = await startTestServices(
      withConfig(baseConfig(opened.data), {
        prices: { endpoints: { liqwid_graphql: liqwid.endpoint, koios: koios.baseUrl } },
        collector: { enabled: true, wallets: [PAYMENT, STAKE] },
        analysis: { decision: { reference: { fallback: 'data_range' } } },
        data: { date_range: { start: '2020-01-01' } },
      }),
    )
  }, 60_000)

  afterAll(async () => {
    await harness?.close()
    await koios?.stop()
    await liqwid?.stop()
    await opened?.close()
  })

  it('asks for the payment addresses only, and shows Liqwid’s figure beside the gain', async () => {
    const report = await harness.services.collector!.collectDue()
    expect(report?.outcome).toBe('success')
    const asked = liqwid.requests.find((request) => String((request.body as { query: string }).query).includes('yieldEarned'))
    expect((asked!.body as { variables: unknown }).variables).toEqual({ input: { addresses: [PAYMENT] }, currencyInput: { currency: 'USD' } })
    expect(harness.services.collector!.reportedYield('djed')).toMatchObject({ marketId: 'DJED', amount: 10.5, amountUsd: 10.5 * 0.99086, wallets: 1 })

    await harness.services.runEvaluation()
    const page = await (await harness.app.request('/dashboard?asset=djed')).text()
    expect(page).toContain('Gain since t0')
    expect(page).toMatch(
      /id="liqwid-reports">Liqwid reports 10\.40 USD earned <span class="muted">\(all time, 1 payment address, read \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/,
    )
  })

  it('keeps collecting when the yield query fails; the last figure stays, with the time it was read', async () => {
    const before = harness.services.collector!.reportedYield('djed')
    liqwid.failing.add('historical')
    try {
      const report = await harness.services.collector!.collectTick()
      expect(report.problems).toEqual([])
      expect(report.outcome === 'success' || report.outcome === 'skipped').toBe(true)
    } finally {
      liqwid.failing.clear()
    }
    expect(
      harness.logs.some((line) => line.includes('liqwid yieldEarned unavailable') && line.includes('historical is temporarily unavailable')),
    ).toBe(true)
    expect(harness.services.collector!.reportedYield('djed')).toEqual(before)
  })
})
