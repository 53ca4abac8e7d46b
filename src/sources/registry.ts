/**
 * Token registry (`config/token_registry.csv`): display asset name → Cardano token id, for the
 * Minswap aggregator (spec-data §4.5, spec-config §7).
 *
 * Stricter than the predecessor, which treated any first row as the header and accepted `0x`,
 * `_` and signs in "hex": the header must be exactly `asset,policy_id,token_name_hex`, and every
 * rejected row is reported with its line number instead of vanishing.
 */
import { AppError } from '../errors.ts'
import { log } from '../log.ts'

export const REGISTRY_HEADER = ['asset', 'policy_id', 'token_name_hex'] as const

/** A Cardano policy id is a 28-byte hash. */
const POLICY_ID_HEX_LENGTH = 56
/** Cardano asset names are at most 32 bytes. */
const MAX_TOKEN_NAME_HEX_LENGTH = 64
const HEX = /^[0-9a-f]*$/

export interface TokenEntry {
  /** as written in the file; lookups ignore case */
  readonly asset: string
  readonly policyId: string
  readonly tokenNameHex: string
  /** `policyId + tokenNameHex`, lowercase: the id Minswap expects */
  readonly tokenId: string
}

export interface RegistryProblem {
  readonly line: number
  readonly message: string
}

export interface TokenRegistry {
  /** where it came from, for messages (a path or `inline`) */
  readonly source: string
  /** by display name (`usdc`, not `wanusdc`), case-insensitive */
  get(asset: string): TokenEntry | null
  /** the entries in file order (after "last row wins") */
  entries(): TokenEntry[]
  /** which of `assets` have no row */
  missing(assets: readonly string[]): string[]
}

export interface ParsedRegistry {
  readonly registry: TokenRegistry
  /** rows that were skipped, with why */
  readonly problems: readonly RegistryProblem[]
}

/**
 * Parses the CSV text. A wrong header or no valid row at all is a `config_invalid` error;
 * malformed rows are skipped and returned in `problems`.
 */
export function parseTokenRegistry(text: string, source = 'inline'): ParsedRegistry {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const byAsset = new Map<string, TokenEntry>()
  const problems: RegistryProblem[] = []
  let headerSeen = false
  lines.forEach((raw, index) => {
    const line = index + 1
    const content = raw.trim()
    if (content === '' || content.startsWith('#')) return
    const cells = splitCsvLine(content)
    if (!headerSeen) {
      headerSeen = true
      if (cells.length !== REGISTRY_HEADER.length || cells.some((cell, i) => cell !== REGISTRY_HEADER[i])) {
        throw new AppError('config_invalid', `token registry ${source} line ${line}: header must be "${REGISTRY_HEADER.join(',')}", got "${content}"`)
      }
      return
    }
    const parsed = parseRow(cells)
    if (typeof parsed === 'string') problems.push({ line, message: parsed })
    else {
      byAsset.delete(parsed.asset.toLowerCase()) // last row wins, and takes the last position
      byAsset.set(parsed.asset.toLowerCase(), parsed)
    }
  })
  if (!headerSeen) throw new AppError('config_invalid', `token registry ${source} is empty (no header line)`)
  if (byAsset.size === 0) throw new AppError('config_invalid', `token registry ${source} has no valid row`)
  return { registry: makeRegistry(source, byAsset), problems }
}

/** Reads and parses a registry file; skipped rows are logged once, each with its line number. */
export async function loadTokenRegistry(path: string): Promise<TokenRegistry> {
  const file = Bun.file(path)
  if (!(await file.exists())) throw new AppError('config_invalid', `token registry file not found: ${path}`)
  const { registry, problems } = parseTokenRegistry(await file.text(), path)
  for (const problem of problems) log.warn('token registry row skipped', { file: path, line: problem.line, reason: problem.message })
  return registry
}

function parseRow(cells: string[]): TokenEntry | string {
  if (cells.length !== REGISTRY_HEADER.length) return `expected 3 columns (asset,policy_id,token_name_hex), got ${cells.length}`
  const [asset, policy, name] = cells as [string, string, string]
  if (asset === '') return 'empty asset'
  const policyId = policy.toLowerCase()
  const tokenNameHex = name.toLowerCase()
  if (!HEX.test(policyId) || policyId.length !== POLICY_ID_HEX_LENGTH) {
    return `policy_id of ${asset} must be ${POLICY_ID_HEX_LENGTH} hex characters, got "${policy}"`
  }
  if (tokenNameHex === '') return `token_name_hex of ${asset} is empty`
  if (!HEX.test(tokenNameHex)) return `token_name_hex of ${asset} is not hex: "${name}"`
  if (tokenNameHex.length % 2 !== 0) return `token_name_hex of ${asset} has an odd length (${tokenNameHex.length})`
  if (tokenNameHex.length > MAX_TOKEN_NAME_HEX_LENGTH) return `token_name_hex of ${asset} is longer than 32 bytes`
  return { asset, policyId, tokenNameHex, tokenId: policyId + tokenNameHex }
}

/** Cells are trimmed; a cell wrapped in double quotes loses them (the file has no embedded commas). */
function splitCsvLine(line: string): string[] {
  return line.split(',').map((cell) => {
    const trimmed = cell.trim()
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed
  })
}

function makeRegistry(source: string, byAsset: Map<string, TokenEntry>): TokenRegistry {
  return {
    source,
    get: (asset) => byAsset.get(asset.trim().toLowerCase()) ?? null,
    entries: () => [...byAsset.values()],
    missing: (assets) => assets.filter((asset) => !byAsset.has(asset.trim().toLowerCase())),
  }
}
