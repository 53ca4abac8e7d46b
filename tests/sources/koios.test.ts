/**
 * The Koios client against the fake built from Koios's OpenAPI specification: which endpoint
 * each address kind goes to, batches that fit the body limits, paging, exact quantities, the
 * bearer token, and failures that stay with the addresses they concern.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { addressKind, batchesByBodySize, createKoiosClient, type KoiosClientOptions } from '../../src/sources/koios.ts'
import { startFakeKoios, type FakeKoios } from '../fakes/koios.ts'

const PAYMENT_A = 'addr1qy2jt0qpqz2z2z9zx5w4xemekkce7yderz53kjue53lpqv90lkfa9sgrfjuz6uvt4uqtrqhl2kj0a9lnr9ndzutx32gqleeckv'
const PAYMENT_B = 'addr1q9xvgr4ehvu5k5tmaly7ugpnvekpqvnxj8xy50pa7kyetlnhel389pa4rnq6fmkzwsaynmw0mnldhlmchn2sfd589fgsz9dd0y'
const STAKE = 'stake1uyrx65wjqjgeeksd8hptmcgl5jfyrqkfq0xe8xlp367kphsckq250'
const QDJED = `${'a1'.repeat(28)}71444a4544`
const NFT_POLICY = 'f0'.repeat(28)
const MAX_U64 = '18446744073709551615'

/** A payment address of the documented shape, distinct per index. */
function paymentAddress(index: number): string {
  return `addr1q${index.toString(36).padStart(4, '0')}${'x'.repeat(98)}`
}

describe('Koios client', () => {
  let koios: FakeKoios
  const client = (options: Partial<KoiosClientOptions> = {}) =>
    createKoiosClient({ baseUrl: koios.baseUrl, token: null, timeoutMs: 2_000, retries: 1, backoffMs: 1, ...options })

  beforeAll(() => {
    koios = startFakeKoios({ token: 'registered-token' })
  })
  afterEach(() => {
    koios.clear()
    koios.faults.clear()
    koios.requests.length = 0
  })
  afterAll(() => koios.stop())

  it('tells stake addresses from payment addresses', () => {
    expect(addressKind(STAKE)).toBe('stake')
    expect(addressKind('stake_test1uqfu74w3wh4gfzu8m6e7j987h4lq9r3t7ef5gaw497uu85qsqfy27')).toBe('stake')
    expect(addressKind(PAYMENT_A)).toBe('payment')
  })

  it('reads payment addresses from /address_assets and stake addresses from /account_assets, quantities exact', async () => {
    koios.hold(PAYMENT_A, QDJED, MAX_U64)
    koios.hold(PAYMENT_A, `${NFT_POLICY}`, '1')
    koios.hold(STAKE, QDJED, '9007199254740993')
    const { balances, failed } = await client().fetchBalances([PAYMENT_A, PAYMENT_B, STAKE])
    expect(failed.size).toBe(0)
    expect(balances.get(PAYMENT_A)).toEqual(
      new Map([
        [QDJED, 18446744073709551615n],
        [NFT_POLICY, 1n],
      ]),
    )
    expect(balances.get(PAYMENT_B)).toEqual(new Map())
    expect(balances.get(STAKE)).toEqual(new Map([[QDJED, 9007199254740993n]]))
    expect(koios.requestsTo('/address_assets').map((request) => request.body)).toEqual([{ _addresses: [PAYMENT_A, PAYMENT_B] }])
    expect(koios.requestsTo('/account_assets').map((request) => request.body)).toEqual([{ _stake_addresses: [STAKE] }])
  })

  it('pages with offset and limit until a short page, in a stable order', async () => {
    for (let index = 0; index < 7; index++) koios.hold(PAYMENT_A, `${NFT_POLICY}${index.toString(16).padStart(2, '0')}`, String(index + 1))
    koios.hold(PAYMENT_A, QDJED, '42')
    const { balances } = await client({ pageSize: 3 }).fetchBalances([PAYMENT_A])
    expect(balances.get(PAYMENT_A)?.size).toBe(8)
    expect(balances.get(PAYMENT_A)?.get(QDJED)).toBe(42n)
    expect(koios.requestsTo('/address_assets').map((request) => request.query)).toEqual(
      [0, 3, 6].map((offset) => ({ offset: String(offset), limit: '3', order: 'address.asc,policy_id.asc,asset_name.asc' })),
    )
  })

  it('sends batches that fit the public 1 kB body limit, and 5 kB ones with a token', async () => {
    const addresses = Array.from({ length: 30 }, (_, index) => paymentAddress(index))
    for (const address of addresses) koios.hold(address, QDJED, '1')
    const publicAnswer = await client().fetchBalances(addresses)
    expect(publicAnswer.failed.size).toBe(0)
    expect([...publicAnswer.balances.values()].every((held) => held.get(QDJED) === 1n)).toBe(true)
    const publicBatches = koios.requestsTo('/address_assets')
    expect(publicBatches.length).toBeGreaterThan(3)
    for (const request of publicBatches) expect(JSON.stringify(request.body).length).toBeLessThanOrEqual(1000)

    koios.requests.length = 0
    const registered = await client({ token: 'registered-token' }).fetchBalances(addresses)
    expect(registered.failed.size).toBe(0)
    const tokenBatches = koios.requestsTo('/address_assets')
    expect(tokenBatches.length).toBe(1)
    expect(tokenBatches[0]!.headers.authorization).toBe('Bearer registered-token')
  })

  it('is refused by the fake exactly where Koios refuses: an oversized body, a wrong token', async () => {
    const addresses = Array.from({ length: 30 }, (_, index) => paymentAddress(index))
    const oversized = await client({ maxBodyBytes: 10_000 }).fetchBalances(addresses)
    expect(oversized.failed.get(addresses[0]!)).toContain('HTTP 413')
    const wrongToken = await client({ token: 'stolen' }).fetchBalances([PAYMENT_A])
    expect(wrongToken.failed.get(PAYMENT_A)).toContain('HTTP 401')
  })

  it('splits addresses by body size, one address never alone over the limit', () => {
    const batches = batchesByBodySize(
      Array.from({ length: 10 }, (_, index) => paymentAddress(index)),
      '_addresses',
      400,
    )
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1])
    for (const batch of batches) expect(JSON.stringify({ _addresses: batch }).length).toBeLessThanOrEqual(400)
  })

  it('retries a rate-limited request once, and fails only the batch that stays unavailable', async () => {
    koios.hold(PAYMENT_A, QDJED, '5')
    koios.hold(STAKE, QDJED, '6')
    koios.faults.add({ kind: 'status', status: 429 }, 1)
    const retried = await client().fetchBalances([PAYMENT_A])
    expect(retried.balances.get(PAYMENT_A)?.get(QDJED)).toBe(5n)
    expect(koios.requestsTo('/address_assets')).toHaveLength(2)

    koios.faults.add({ kind: 'status', status: 503 }, 2)
    const halfDown = await client().fetchBalances([PAYMENT_A, STAKE])
    expect(halfDown.failed.get(PAYMENT_A)).toContain('HTTP 503')
    expect(halfDown.balances.has(PAYMENT_A)).toBe(false)
    expect(halfDown.balances.get(STAKE)?.get(QDJED)).toBe(6n)
  })

  it('fails a batch whose answer does not have the documented shape instead of reading a zero', async () => {
    koios.faults.add({ kind: 'json', body: [{ address: PAYMENT_A, policy_id: QDJED.slice(0, 56), asset_name: '71', quantity: 5 }] }, 1)
    const numeric = await client().fetchBalances([PAYMENT_A])
    expect(numeric.failed.get(PAYMENT_A)).toContain('quantity')
    koios.faults.add({ kind: 'json', body: { rows: [] } }, 1)
    const notArray = await client().fetchBalances([PAYMENT_A])
    expect(notArray.failed.get(PAYMENT_A)).toContain('not an array')
    koios.faults.add({ kind: 'non_json' }, 1)
    const html = await client().fetchBalances([PAYMENT_A])
    expect(html.failed.get(PAYMENT_A)).toContain('expected application/json')
  })
})
