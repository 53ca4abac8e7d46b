/**
 * Fake Koios API: `POST /address_assets` and `POST /account_assets`, written from Koios's OpenAPI
 * specification (cardano-community/koios-artifacts, specs/results/koiosapi-mainnet.yaml v1.4.x,
 * and the SQL behind them, files/grest/rpc/address/address_assets.sql and
 * files/grest/rpc/account/account_assets.sql):
 *
 * - request bodies `{"_addresses": [string]}` / `{"_stake_addresses": [string]}` (required);
 *   a body without the key is "the combination of endpoint and parameters" the server does not
 *   recognise (404), a key that is not an array of strings or a body that is not JSON is 400;
 * - bodies above 1 kB (public tier) or 5 kB (with a bearer token) are refused with 413; a bearer
 *   token that is not the one configured is refused with 401;
 * - PostgREST query parameters: `offset`, `limit` (at most 1,000 rows are ever answered) and
 *   `order=<column>.asc|desc,…` over the answer's columns; any other parameter is a horizontal
 *   filter on a column, and an unknown column is 400;
 * - answer rows `{address | stake_address, policy_id, asset_name, fingerprint, decimals,
 *   quantity}`, `quantity` a decimal string, one row per (address, asset), only for the
 *   addresses asked, ordered by address when no `order` is given.
 *
 * Not from the evidence: the `fingerprint` is a placeholder of the documented shape (not a real
 * CIP-14 hash), and stake addresses hold what the test gives them (no derivation from payment
 * addresses).
 *
 *   const koios = startFakeKoios({ token: 'secret' })
 *   koios.hold('addr1q…', QDJED_UNIT, '18446744073709551615')
 *   koios.faults.add({ kind: 'status', status: 429 }, 1)
 *   koios.requestsTo('/address_assets')
 */
import { json, startFakeServer, type FakeServer, type RecordedRequest } from './server.ts'

export const KOIOS_PUBLIC_BODY_LIMIT = 1024
export const KOIOS_TOKEN_BODY_LIMIT = 5 * 1024
export const KOIOS_MAX_ROWS = 1000

const ENDPOINTS = {
  '/address_assets': { bodyKey: '_addresses', rowKey: 'address' },
  '/account_assets': { bodyKey: '_stake_addresses', rowKey: 'stake_address' },
} as const
type Path = keyof typeof ENDPOINTS

const COLUMNS = ['policy_id', 'asset_name', 'fingerprint', 'decimals', 'quantity'] as const

export interface FakeKoios extends FakeServer {
  /** base URL as configured: `<url>/api/v1` */
  readonly baseUrl: string
  /** sets what an address (payment or stake) holds of one unit (`policy id + hex name`); '0' removes it */
  hold(address: string, unit: string, quantity: string, decimals?: number): void
  /** forgets every holding */
  clear(): void
  requestsTo(path: Path): RecordedRequest[]
}

interface Holding {
  policy_id: string
  asset_name: string | null
  fingerprint: string
  decimals: number
  quantity: string
}

export function startFakeKoios(options: { token?: string | null } = {}): FakeKoios {
  const token = options.token ?? null
  const holdings = new Map<string, Map<string, Holding>>()
  const server = startFakeServer((request) => answer(request, token, holdings))
  return {
    ...server,
    baseUrl: `${server.url}/api/v1`,
    hold(address, unit, quantity, decimals = 0) {
      const held = holdings.get(address) ?? new Map<string, Holding>()
      holdings.set(address, held)
      if (quantity === '0') return void held.delete(unit)
      const policy = unit.slice(0, 56)
      const name = unit.slice(56)
      held.set(unit, { policy_id: policy, asset_name: name, fingerprint: placeholderFingerprint(unit), decimals, quantity })
    },
    clear: () => holdings.clear(),
    requestsTo: (path) => server.requests.filter((request) => request.path === `/api/v1${path}`),
  }
}

function error(status: number, message: string): Response {
  return json({ code: `FAKE${status}`, message, details: null, hint: null }, status)
}

function answer(request: RecordedRequest, token: string | null, holdings: Map<string, Map<string, Holding>>): Response {
  const path = request.path.replace(/^\/api\/v1/, '') as Path
  const endpoint = ENDPOINTS[path]
  if (endpoint === undefined) return error(404, `no endpoint ${request.path}`)
  if (request.method !== 'POST') return error(405, `${path} takes POST`)
  const authorization = request.headers.authorization
  if (authorization !== undefined && (token === null || authorization !== `Bearer ${token}`)) return error(401, 'JWT invalid')
  const raw = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? '')
  const limit = authorization !== undefined ? KOIOS_TOKEN_BODY_LIMIT : KOIOS_PUBLIC_BODY_LIMIT
  if (Buffer.byteLength(raw) > limit) return error(413, `payload of ${Buffer.byteLength(raw)} bytes exceeds ${limit}`)
  const body = request.body
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'Empty or invalid json')
  if (!(endpoint.bodyKey in body)) return error(404, `Could not find the function with parameters ${Object.keys(body).join(', ')}`)
  const addresses = (body as Record<string, unknown>)[endpoint.bodyKey]
  if (!Array.isArray(addresses) || addresses.some((entry) => typeof entry !== 'string')) return error(400, 'malformed array literal')

  const rows: Record<string, unknown>[] = []
  for (const address of [...new Set(addresses as string[])].sort())
    for (const holding of holdings.get(address)?.values() ?? []) rows.push({ [endpoint.rowKey]: address, ...holding })

  const known = new Set<string>([endpoint.rowKey, ...COLUMNS])
  let offset = 0
  let rowLimit = KOIOS_MAX_ROWS
  for (const [name, value] of Object.entries(request.query)) {
    if (name === 'offset' || name === 'limit') {
      if (!/^\d+$/.test(value)) return error(400, `${name} must be a non-negative integer`)
      if (name === 'offset') offset = Number(value)
      else rowLimit = Math.min(Number(value), KOIOS_MAX_ROWS)
    } else if (name === 'order') {
      const keys = value.split(',').map((term) => term.split('.'))
      for (const [column, direction] of keys)
        if (!known.has(column!) || (direction !== undefined && direction !== 'asc' && direction !== 'desc'))
          return error(400, `cannot order by ${column}.${direction}`)
      rows.sort((a, b) => {
        for (const [column, direction] of keys) {
          const order = compare(a[column!], b[column!])
          if (order !== 0) return direction === 'desc' ? -order : order
        }
        return 0
      })
    } else if (!known.has(name)) return error(400, `column ${name} does not exist`)
  }
  return json(rows.slice(offset, offset + rowLimit))
}

function compare(a: unknown, b: unknown): number {
  const left = String(a ?? '')
  const right = String(b ?? '')
  return left < right ? -1 : left > right ? 1 : 0
}

function placeholderFingerprint(unit: string): string {
  const hash = new Bun.CryptoHasher('sha256').update(unit).digest('hex')
  const alphabet = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
  return `asset1${[...hash.slice(0, 38)].map((char) => alphabet[Number.parseInt(char, 16)]).join('')}`
}
