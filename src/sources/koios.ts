/**
 * Koios client: the native-asset balances held at payment addresses (`POST /address_assets`,
 * body `{"_addresses": [...]}`) and stake addresses (`POST /account_assets`, body
 * `{"_stake_addresses": [...]}`), as published in Koios's OpenAPI specification
 * (cardano-community/koios-artifacts, specs/results/koiosapi-mainnet.yaml, v1.4.x):
 *
 * - answer: an array of `{address | stake_address, policy_id, asset_name, fingerprint, decimals,
 *   quantity}` where `quantity` is a decimal string (a 64-bit chain quantity: parsed as BigInt)
 *   and `asset_name` is hex or null; one row per (address, asset), UTxOs already summed;
 * - paging: PostgREST's `offset` / `limit` query parameters, at most 1000 rows per answer; a
 *   short page is the last; `order=` makes the pages of one query stable;
 * - limits: request bodies of at most 1 kB on the public tier and 5 kB with a bearer token
 *   (HTTP 413 beyond), so addresses are sent in batches that fit; HTTP 429 when rate limited
 *   (retried with backoff by `requestJson`).
 *
 * A row that does not have the documented shape fails the batch it came in: a balance that
 * cannot be read must not become a zero.
 */
import { z } from 'zod'
import { parseQuantity } from '../collector/decimal.ts'
import { AppError, describeError } from '../errors.ts'
import { requestJson, type RetryPolicy } from './http.ts'

export const KOIOS_MAINNET = 'https://api.koios.rest/api/v1'

/** Koios's documented page size (PostgREST max-rows). */
export const KOIOS_MAX_ROWS = 1_000
/** Documented body limits (1 kB public, 5 kB registered), minus a margin for JSON spacing. */
export const PUBLIC_BODY_BYTES = 1_000
export const TOKEN_BODY_BYTES = 5_000
/** 1,000 pages of 1,000 rows for one batch of addresses: past this something is wrong upstream. */
const MAX_PAGES = 1_000

export type AddressKind = 'payment' | 'stake'

export interface KoiosClientOptions {
  /** e.g. `https://api.koios.rest/api/v1` (no trailing slash needed) */
  readonly baseUrl: string
  /** bearer token of a registered tier; null = public tier */
  readonly token: string | null
  readonly timeoutMs: number
  readonly retries: number
  readonly backoffMs: number
  /** rows asked per page (tests use small pages); at most `KOIOS_MAX_ROWS` */
  readonly pageSize?: number
  /** body budget per request; default from the tier */
  readonly maxBodyBytes?: number
}

/** unit (`policy_id + asset_name`, lowercase hex) → quantity, per address as requested. */
export type Balances = Map<string, Map<string, bigint>>

export interface BalancesAnswer {
  /** every address whose batch was answered (possibly with no asset) */
  readonly balances: Balances
  /** address → why its batch failed; its balances are unknown, not zero */
  readonly failed: Map<string, string>
}

export interface KoiosClient {
  /** Balances per address; a failed batch fails only its own addresses (cancellation rethrows). */
  fetchBalances(addresses: readonly string[], signal?: AbortSignal): Promise<BalancesAnswer>
}

const ENDPOINT: Record<AddressKind, { path: string; bodyKey: string; rowKey: 'address' | 'stake_address' }> = {
  payment: { path: '/address_assets', bodyKey: '_addresses', rowKey: 'address' },
  stake: { path: '/account_assets', bodyKey: '_stake_addresses', rowKey: 'stake_address' },
}

const HEX = /^[0-9a-fA-F]*$/
const rowSchema = z
  .object({
    address: z.string().min(1).optional(),
    stake_address: z.string().min(1).optional(),
    policy_id: z.string().regex(HEX).length(56),
    asset_name: z.string().regex(HEX).nullable(),
    quantity: z.string(),
  })
  .loose()

/** `stake1…` / `stake_test1…` are reward accounts; everything else is a payment address. */
export function addressKind(address: string): AddressKind {
  return /^stake(_test)?1/.test(address) ? 'stake' : 'payment'
}

export function createKoiosClient(options: KoiosClientOptions): KoiosClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const policy: RetryPolicy = {
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    backoffMs: options.backoffMs,
    retryInvalidJson: false,
    requireJsonContentType: true,
  }
  const pageSize = Math.min(KOIOS_MAX_ROWS, Math.max(1, options.pageSize ?? KOIOS_MAX_ROWS))
  const maxBodyBytes = options.maxBodyBytes ?? (options.token ? TOKEN_BODY_BYTES : PUBLIC_BODY_BYTES)
  const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {}

  async function fetchBatch(kind: AddressKind, batch: readonly string[], into: Balances, signal?: AbortSignal): Promise<void> {
    const endpoint = ENDPOINT[kind]
    const requested = new Set(batch)
    for (let page = 0, offset = 0; ; page++) {
      if (page >= MAX_PAGES) throw new AppError('upstream_invalid', `koios: more than ${MAX_PAGES} pages for ${batch.length} addresses`)
      const body = await requestJson(
        {
          upstream: 'koios',
          url: `${baseUrl}${endpoint.path}`,
          method: 'POST',
          body: { [endpoint.bodyKey]: batch },
          query: { offset: String(offset), limit: String(pageSize), order: `${endpoint.rowKey}.asc,policy_id.asc,asset_name.asc` },
          headers,
        },
        policy,
        signal,
      )
      if (!Array.isArray(body)) throw new AppError('upstream_invalid', `koios ${endpoint.path}: the answer is not an array`)
      for (const [index, raw] of body.entries()) addRow(raw, `${endpoint.path} row ${offset + index}`, endpoint.rowKey, requested, into)
      if (body.length < pageSize) return
      offset += body.length
    }
  }

  return {
    async fetchBalances(addresses, signal) {
      const balances: Balances = new Map()
      const failed = new Map<string, string>()
      const unique = [...new Set(addresses)]
      for (const kind of ['payment', 'stake'] as const) {
        const ofKind = unique.filter((address) => addressKind(address) === kind)
        for (const batch of batchesByBodySize(ofKind, ENDPOINT[kind].bodyKey, maxBodyBytes)) {
          const answered: Balances = new Map(batch.map((address) => [address, new Map()]))
          try {
            await fetchBatch(kind, batch, answered, signal)
            for (const [address, held] of answered) balances.set(address, held)
          } catch (error) {
            if (signal?.aborted) throw signal.reason
            for (const address of batch) failed.set(address, describeError(error))
          }
        }
      }
      return { balances, failed }
    },
  }
}

function addRow(raw: unknown, where: string, rowKey: 'address' | 'stake_address', requested: Set<string>, into: Balances): void {
  const parsed = rowSchema.safeParse(raw)
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'row')))].join(', ')
    throw new AppError('upstream_invalid', `koios ${where}: missing or invalid ${fields}`)
  }
  const row = parsed.data
  const owner = row[rowKey]
  if (owner === undefined) throw new AppError('upstream_invalid', `koios ${where}: no ${rowKey}`)
  // Koios answers only for the addresses asked; anything else is not ours to count.
  if (!requested.has(owner)) return
  const quantity = parseQuantity(row.quantity)
  if (quantity === null)
    throw new AppError('upstream_invalid', `koios ${where}: quantity ${JSON.stringify(row.quantity)} is not a non-negative integer`)
  const unit = `${row.policy_id}${row.asset_name ?? ''}`.toLowerCase()
  const held = into.get(owner)!
  // Rows are already summed per (address, asset); a repeat is a page overlap, not a second balance.
  held.set(unit, quantity)
}

/** Consecutive batches whose JSON body `{"<key>":[…]}` stays within `maxBytes`. */
export function batchesByBodySize(addresses: readonly string[], bodyKey: string, maxBytes: number): string[][] {
  const batches: string[][] = []
  let current: string[] = []
  const size = (list: string[]) => Buffer.byteLength(JSON.stringify({ [bodyKey]: list }))
  for (const address of addresses) {
    if (size([address]) > maxBytes)
      throw new AppError('config_invalid', `koios: the address ${address.slice(0, 20)}… alone exceeds the ${maxBytes}-byte body limit`)
    if (current.length > 0 && size([...current, address]) > maxBytes) {
      batches.push(current)
      current = []
    }
    current.push(address)
  }
  if (current.length > 0) batches.push(current)
  return batches
}
