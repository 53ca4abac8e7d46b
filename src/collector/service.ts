/**
 * The collector built from the configuration (clients with their deadlines, the assets' table
 * symbols) and its own schedule in serve mode: a run at every grid instant (12:00, 12:05, …),
 * never two at once. The evaluation schedule calls `collectDue` first, so when both are due the
 * positions of this tick are written before they are read.
 */
import type { Config } from '../config/resolve.ts'
import type { EpochMs } from '../engine/types.ts'
import { AppError } from '../errors.ts'
import { log } from '../log.ts'
import type { RetryPolicy } from '../sources/http.ts'
import { createKoiosClient } from '../sources/koios.ts'
import type { StoreReader } from '../store/reader.ts'
import type { StoreWriter } from '../store/writer.ts'
import { createCollector, type Collector, type TickOutcome } from './collector.ts'
import { fetchCollectorMarkets } from './markets.ts'
import { fetchYieldEarned } from './yield.ts'

/** One retry after a transport error, a 5xx or a 429, two seconds later: a tick is every few minutes. */
const RETRIES = 1
const BACKOFF_MS = 2_000

export interface CollectorDeps {
  readonly reader: StoreReader
  readonly writer: StoreWriter
  readonly testPrefix: boolean
  readonly record?: (outcome: TickOutcome, at: EpochMs) => void
  readonly now?: () => EpochMs
  /** delay before the retry (tests shorten it) */
  readonly backoffMs?: number
}

/** Throws `config_invalid` when the configuration cannot collect (no wallet, an endpoint off). */
export function collectorFromConfig(config: Config, deps: CollectorDeps): Collector {
  const settings = config.collector
  const resolved = config.resolved.collector
  const koios = config.prices.endpoints.koios
  const liqwid = config.prices.endpoints.liqwid_graphql
  if (resolved.wallets.length === 0)
    throw new AppError('config_invalid', 'collector: no wallet to collect (set collector.wallets or the top-level wallets)')
  if (!koios) throw new AppError('config_invalid', 'collector: prices.endpoints.koios is null')
  if (!liqwid) throw new AppError('config_invalid', 'collector: prices.endpoints.liqwid_graphql is null')
  const backoffMs = deps.backoffMs ?? BACKOFF_MS
  const policy: RetryPolicy = {
    timeoutMs: settings.timeout_seconds * 1000,
    retries: RETRIES,
    backoffMs,
    retryInvalidJson: true,
    requireJsonContentType: false,
  }
  const client = createKoiosClient({
    baseUrl: koios,
    token: resolved.koios_token,
    timeoutMs: policy.timeoutMs,
    retries: RETRIES,
    backoffMs,
  })
  return createCollector(
    {
      intervalMs: settings.interval_minutes * 60_000,
      wallets: resolved.wallets,
      assets: resolved.assets.map((asset) => ({ asset, symbol: config.resolved.assets[asset]!.symbol })),
      checkExisting: !deps.testPrefix,
    },
    {
      fetchMarkets: (signal) => fetchCollectorMarkets(liqwid, policy, signal),
      fetchBalances: (wallets, signal) => client.fetchBalances(wallets, signal),
      fetchYield: (wallets, signal) => fetchYieldEarned(liqwid, policy, wallets, signal),
      reader: deps.reader,
      writer: deps.writer,
      record: deps.record,
      now: deps.now ?? Date.now,
    },
  )
}

export interface CollectorSchedule {
  stop(graceMs: number): Promise<void>
}

/** Runs `collectDue` now and at every grid instant after; `stop` cancels and waits (bounded). */
export function startCollectorSchedule(collector: Collector, now: () => EpochMs = Date.now): CollectorSchedule {
  const controller = new AbortController()
  const interval = collector.settings.intervalMs
  let timer: ReturnType<typeof setTimeout> | null = null
  let current: Promise<unknown> | null = null

  const run = () => {
    timer = null
    if (controller.signal.aborted) return
    current = collector
      .collectDue(controller.signal)
      .catch((error) => {
        if (!controller.signal.aborted) log.error('collector run failed', { error: String(error) })
      })
      .finally(() => {
        current = null
        if (!controller.signal.aborted) timer = setTimeout(run, collector.tickAt(now()) + interval - now())
      })
  }
  run()
  return {
    async stop(graceMs) {
      controller.abort()
      if (timer) clearTimeout(timer)
      if (current) await Promise.race([current, Bun.sleep(graceMs)])
    },
  }
}
