/**
 * Asset prices from several providers, in the configured priority (spec-data §4.1):
 *
 * - `pricesFor(asset)`: for each logical source (`liqwid`, `minswap`) walk its provider list
 *   (`prices.priority_by_logical`) and keep the first finite positive price — price compare;
 * - `decisionPrice(asset)`: the live APIs only, in `prices.sources` order — `price_t1_usd`.
 *
 * Every provider runs under its own deadline, so a hung provider costs at most that deadline
 * before the next one is asked, and every attempt is returned (provider, outcome, duration) for
 * the caller's logs and metrics. Logical sources are independent and are asked concurrently.
 */
import { AppError, describeError, isAppError } from '../errors.ts'
import { log } from '../log.ts'
import type { LiqwidClient } from './liqwid.ts'
import type { MinswapClient } from './minswap.ts'
import type { TokenRegistry } from './registry.ts'
import { builtInSymbol } from '../config/symbols.ts'

export const PROVIDERS = ['greptime(liqwid)', 'greptime(minswap)', 'liqwid', 'minswap'] as const
export type ProviderName = (typeof PROVIDERS)[number]

/**
 * A cached-price reader injected by the caller (the store). It receives the display asset name
 * (`usdc`) and resolves the table itself: `greptime(liqwid)` → the resolved supply table,
 * `greptime(minswap)` → `minswap_prices_<canonicalMinswapAsset(asset)>`.
 */
export type PriceReader = (asset: string, signal?: AbortSignal) => Promise<number | null>

/** `stale`: the provider answered a price older than its maximum age (Liqwid's priceUpdatedAt) */
export type AttemptOutcome = 'ok' | 'empty' | 'error' | 'timeout' | 'disabled' | 'stale'

export interface PriceAttempt {
  /** the logical source the attempt was made for */
  readonly source: string
  readonly provider: ProviderName
  readonly outcome: AttemptOutcome
  readonly durationMs: number
  readonly error?: string
}

export interface SourcedPrice {
  readonly price: number
  readonly provider: ProviderName
}

export interface AssetPrices {
  /** one entry per logical source of `prices.sources`; null when no provider had a price */
  readonly bySource: Readonly<Record<string, SourcedPrice | null>>
  readonly attempts: readonly PriceAttempt[]
}

export interface DecisionPrice {
  readonly price: SourcedPrice | null
  readonly attempts: readonly PriceAttempt[]
}

/** Deadline of one provider call, retries included. Cached reads are local; live APIs retry. */
export const DEFAULT_DEADLINES_MS: Readonly<Record<ProviderName, number>> = {
  'greptime(liqwid)': 5_000,
  'greptime(minswap)': 5_000,
  liqwid: 25_000,
  minswap: 12_000,
}

export interface PriceSourcesOptions {
  /** `prices.sources`, in order (duplicates ignored) */
  readonly sources: readonly string[]
  /** `prices.priority_by_logical`; provider names are matched case-insensitively */
  readonly priorityByLogical: Readonly<Record<string, readonly string[]>>
  readonly greptime?: { readonly liqwid?: PriceReader; readonly minswap?: PriceReader }
  /** null or absent when `prices.endpoints.liqwid_graphql` is not configured */
  readonly liqwid?: LiqwidClient | null
  /** null or absent when `prices.endpoints.minswap_aggregator` is not configured; a null registry (failed to load) disables it */
  readonly minswap?: { readonly client: MinswapClient; readonly registry: TokenRegistry | null } | null
  readonly deadlinesMs?: Partial<Record<ProviderName, number>>
}

export interface PriceSources {
  pricesFor(asset: string, signal?: AbortSignal): Promise<AssetPrices>
  decisionPrice(asset: string, signal?: AbortSignal): Promise<DecisionPrice>
}

type Lookup = { disabled: string } | { call: (signal: AbortSignal) => Promise<number | null> }

export function createPriceSources(options: PriceSourcesOptions): PriceSources {
  const sources = [...new Set(options.sources.map((source) => source.trim().toLowerCase()))]
  const chains = providerChains(sources, options.priorityByLogical)
  const deadlines = { ...DEFAULT_DEADLINES_MS, ...options.deadlinesMs }
  const warnedAssets = new Set<string>()

  function lookup(provider: ProviderName, asset: string): Lookup {
    switch (provider) {
      case 'greptime(liqwid)':
      case 'greptime(minswap)': {
        const reader = provider === 'greptime(liqwid)' ? options.greptime?.liqwid : options.greptime?.minswap
        return reader ? { call: (signal) => reader(asset, signal) } : { disabled: `no ${provider} reader` }
      }
      case 'liqwid': {
        const client = options.liqwid
        return client ? { call: (signal) => client.latestPriceUsd(asset, signal) } : { disabled: 'no Liqwid endpoint configured' }
      }
      case 'minswap':
        return minswapLookup(asset)
    }
  }

  function minswapLookup(asset: string): Lookup {
    const minswap = options.minswap
    if (!minswap) return { disabled: 'no Minswap endpoint configured' }
    const entry = minswap.registry?.get(asset) ?? null
    if (!entry) {
      const reason = minswap.registry ? `${asset} is not in the token registry` : 'the token registry is not loaded'
      const key = asset.trim().toLowerCase()
      if (!warnedAssets.has(key)) {
        warnedAssets.add(key)
        log.warn('minswap price disabled for asset', { asset, reason, registry: minswap.registry?.source ?? null })
      }
      return { disabled: reason }
    }
    return { call: (signal) => minswap.client.latestPriceUsd(entry.tokenId, signal) }
  }

  async function firstPrice(source: string, providers: readonly ProviderName[], asset: string, attempts: PriceAttempt[], signal?: AbortSignal) {
    for (const provider of providers) {
      const { attempt, price } = await tryProvider(source, provider, lookup(provider, asset), deadlines[provider], signal)
      attempts.push(attempt)
      if (price !== null) return { price, provider }
    }
    return null
  }

  async function pricesFor(asset: string, signal?: AbortSignal): Promise<AssetPrices> {
    const perSource = await Promise.all(
      sources.map(async (source) => {
        const attempts: PriceAttempt[] = []
        return { source, price: await firstPrice(source, chains.get(source) ?? [], asset, attempts, signal), attempts }
      }),
    )
    return {
      bySource: Object.fromEntries(perSource.map(({ source, price }) => [source, price])),
      attempts: perSource.flatMap(({ attempts }) => attempts),
    }
  }

  async function decisionPrice(asset: string, signal?: AbortSignal): Promise<DecisionPrice> {
    const attempts: PriceAttempt[] = []
    const tried = new Set<ProviderName>()
    for (const source of sources) {
      const live = LIVE_PROVIDERS_FOR_DECISION[source]?.filter((provider) => !tried.has(provider)) ?? []
      for (const provider of live) tried.add(provider)
      const price = await firstPrice(source, live, asset, attempts, signal)
      if (price) return { price, attempts }
    }
    return { price: null, attempts }
  }

  return { pricesFor, decisionPrice }
}

/** §4.1 use 1: a logical `greptime` meant "live Liqwid, then live Minswap" for the decision price. */
const LIVE_PROVIDERS_FOR_DECISION: Record<string, readonly ProviderName[]> = {
  liqwid: ['liqwid'],
  minswap: ['minswap'],
  greptime: ['liqwid', 'minswap'],
}

/**
 * Validates every provider list and returns, per logical source, its providers. A logical source
 * without a list falls back to its own live provider when it has one (`liqwid` → `[liqwid]`).
 */
function providerChains(sources: readonly string[], priorityByLogical: Readonly<Record<string, readonly string[]>>): Map<string, ProviderName[]> {
  const chains = new Map<string, ProviderName[]>()
  for (const [logical, providers] of Object.entries(priorityByLogical)) {
    chains.set(
      logical.trim().toLowerCase(),
      providers.map((raw, index) => {
        const name = raw.trim().toLowerCase()
        if (!(PROVIDERS as readonly string[]).includes(name)) {
          throw new AppError(
            'config_invalid',
            `prices.priority_by_logical.${logical}[${index}]: unknown provider "${raw}" (expected one of ${PROVIDERS.join(', ')})`,
          )
        }
        return name as ProviderName
      }),
    )
  }
  for (const source of sources) {
    if (chains.has(source)) continue
    if ((PROVIDERS as readonly string[]).includes(source)) chains.set(source, [source as ProviderName])
    else log.warn('price source has no provider list: it will never have a price', { source })
  }
  return chains
}

class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no price within ${ms} ms`)
  }
}

async function tryProvider(
  source: string,
  provider: ProviderName,
  lookup: Lookup,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<{ attempt: PriceAttempt; price: number | null }> {
  const started = performance.now()
  const done = (outcome: AttemptOutcome, error?: string) => ({
    source,
    provider,
    outcome,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    ...(error === undefined ? {} : { error }),
  })
  if ('disabled' in lookup) return { attempt: done('disabled', lookup.disabled), price: null }

  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(new DeadlineExceeded(deadlineMs)), deadlineMs)
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal
  try {
    const value = await untilAborted(lookup.call(combined), combined)
    if (value === null || value === undefined) return { attempt: done('empty'), price: null }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      return { attempt: done('error', `unusable price ${String(value)}`), price: null }
    }
    return { attempt: done('ok'), price: value }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    if (deadline.signal.aborted) return { attempt: done('timeout', describeError(deadline.signal.reason)), price: null }
    const outcome = isAppError(error, 'upstream_timeout') ? 'timeout' : isAppError(error, 'price_stale') ? 'stale' : 'error'
    return { attempt: done(outcome, describeError(error)), price: null }
  } finally {
    clearTimeout(timer)
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts even if `work` ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {}) // a late rejection after the deadline is expected, not unhandled
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** §5.2: Minswap price tables use the wrapped names of the bridged stablecoins. */
export function canonicalMinswapAsset(asset: string): string {
  return builtInSymbol(asset)
}
