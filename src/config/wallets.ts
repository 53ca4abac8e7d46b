/**
 * Wallet lists of the configuration, resolved once: the top-level `wallets` (payment addresses)
 * and the collector's (payment or stake addresses, default: the top-level ones), `address_env`
 * entries read from the environment (and redacted when printed), duplicates dropped.
 */
import { type ConfigProblem, type Environment, readNamedVariable } from './env.ts'
import type { RawConfig } from './schema.ts'

type WalletEntry = NonNullable<RawConfig['wallets']>[number]

interface AcceptedAddress {
  readonly pattern: RegExp
  readonly what: string
}

export const PAYMENT_ADDRESS: AcceptedAddress = {
  pattern: /^(addr1|addr_test1)[0-9a-z]+$/,
  what: 'a Cardano address starting with addr1 or addr_test1',
}
const ANY_ADDRESS: AcceptedAddress = {
  pattern: /^(addr1|addr_test1|stake1|stake_test1)[0-9a-z]+$/,
  what: 'a Cardano address (addr1…) or stake address (stake1…)',
}

export interface ResolvedCollector {
  /** payment (`addr1…`) and stake (`stake1…`) addresses */
  wallets: string[]
  /** display names, a subset of domain.assets */
  assets: string[]
  /** read from collector.koios_token_env; redacted when printed */
  koios_token: string | null
}

function walletAddress(
  entry: WalletEntry,
  at: string,
  accepted: AcceptedAddress,
  env: Environment,
): { address: string; secret: boolean } | ConfigProblem {
  if (typeof entry === 'string') return { address: entry, secret: false }
  if (entry.address_env) {
    const read = readNamedVariable(env, entry.address_env, `${at}.address_env`)
    if ('message' in read) return read
    if (!accepted.pattern.test(read.value)) return { path: `${at}.address_env`, message: `${entry.address_env} must hold ${accepted.what}` }
    return { address: read.value, secret: true }
  }
  if (entry.address) return { address: entry.address, secret: false }
  return { path: at, message: "must set 'address' or 'address_env'" }
}

export function resolveWallets(
  entries: readonly WalletEntry[] | null,
  path: string,
  accepted: AcceptedAddress,
  env: Environment,
  problems: ConfigProblem[],
  secretPaths: string[],
): string[] {
  const addresses: string[] = []
  for (const [index, entry] of (entries ?? []).entries()) {
    const resolved = walletAddress(entry, `${path}[${index}]`, accepted, env)
    if ('message' in resolved) {
      problems.push(resolved)
      continue
    }
    if (addresses.includes(resolved.address)) continue
    // The printed config redacts an address read from the environment.
    if (resolved.secret) secretPaths.push(`resolved.${path}[${addresses.length}]`)
    addresses.push(resolved.address)
  }
  return addresses
}

/** The collector's wallets (default: the top-level ones), assets (default: domain.assets) and Koios token. */
export function resolveCollector(
  values: RawConfig,
  wallets: string[],
  env: Environment,
  problems: ConfigProblem[],
  secretPaths: string[],
): ResolvedCollector {
  const collector = values.collector
  const own = resolveWallets(collector.wallets, 'collector.wallets', ANY_ADDRESS, env, problems, secretPaths)
  // The copied top-level wallets keep their positions, so their secrets keep their indices.
  if (collector.wallets === null)
    for (const path of secretPaths.filter((entry) => entry.startsWith('resolved.wallets[')))
      secretPaths.push(path.replace('resolved.wallets[', 'resolved.collector.wallets['))
  let token: string | null = null
  if (collector.koios_token_env) {
    const read = readNamedVariable(env, collector.koios_token_env, 'collector.koios_token_env')
    if ('message' in read) problems.push(read)
    else token = read.value
  }
  const resolved: ResolvedCollector = {
    wallets: collector.wallets === null ? [...wallets] : own,
    assets: [...new Set(collector.assets ?? values.domain.assets)],
    koios_token: token,
  }
  if (collector.enabled) problems.push(...collectorProblems(values, resolved))
  return resolved
}

function collectorProblems(values: RawConfig, resolved: ResolvedCollector): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  if (resolved.wallets.length === 0)
    problems.push({ path: 'collector.wallets', message: 'the collector is enabled but has no wallet: list them here or in the top-level wallets' })
  if (!values.prices.endpoints.koios) problems.push({ path: 'prices.endpoints.koios', message: 'is required when collector.enabled is true' })
  if (!values.prices.endpoints.liqwid_graphql)
    problems.push({ path: 'prices.endpoints.liqwid_graphql', message: 'is required when collector.enabled is true' })
  return problems
}
