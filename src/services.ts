/**
 * The composition root: builds the long-lived services from the configuration (store, price
 * sources, transaction sync, metrics, authentication, latest snapshot) and closes them in reverse
 * order. `runEvaluation` is the one evaluation cycle both `--once` and the scheduler run:
 * top up the demo feed, evaluate, publish the snapshot, update metrics, write diagnostics.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import shippedRegistryText from '../config/token_registry.csv' with { type: 'text' }
import type { Config } from './config/resolve.ts'
import { writeDiagnostics } from './diagnostics.ts'
import { AppError, describeError } from './errors.ts'
import { evaluate, type EvaluationResult } from './evaluate.ts'
import { log } from './log.ts'
import { createLiqwidClient, LIQWID_PRICE_TIMING, LIQWID_SYNC_TIMING, type LiqwidClient } from './sources/liqwid.ts'
import { createMinswapClient } from './sources/minswap.ts'
import { createPriceSources, type PriceSources } from './sources/prices.ts'
import { parseTokenRegistry, type TokenRegistry } from './sources/registry.ts'
import { LatestEvaluation } from './state.ts'
import { appendDemoSample, demoStatus, seedDemo } from './store/demo.ts'
import { openStore, type Store } from './store/index.ts'
import type { StoreReader } from './store/reader.ts'
import { StoreWriter } from './store/writer.ts'
import { createSyncService, type TransactionSync } from './sync/service.ts'
import { buildCommit, VERSION } from './version.ts'
import type { ChartRenderer } from './charts/index.ts'
import type { Collector } from './collector/collector.ts'
import { collectorFromConfig } from './collector/service.ts'
import type { LoadedConfig } from './config/load.ts'
import { normalizedConfigJson } from './config/normalize.ts'
import type { WebDeps } from './web/app.ts'
import { createAuthenticator, type Authenticator } from './web/auth.ts'
import { ChartCache } from './web/dashboard/chart-cache.ts'
import { createMetrics, type Metrics } from './web/metrics.ts'
import { historyAndNotificationsStep } from './history/step.ts'
import { DecisionHistory } from './history/store.ts'
import { RecentHistory } from './history/recent.ts'
import { Notifier } from './notify/notifier.ts'

/** How long closing waits for queued notifications (--once exits right after its evaluation). */
const NOTIFICATION_DRAIN_MS = 15_000

/** A demo store older than this is regenerated at start, so its states (anomaly, mismatch) stay visible. */
const DEMO_MAX_STALENESS_MS = 6 * 3_600_000
/**
 * Reads one asset's evaluation has in flight at once (evaluate.ts: deposits and withdrawals, then
 * the aggregate, then wallet samples, Minswap series and the store's prices): the pool never opens
 * more connections than an evaluation of all assets can use, nor more than max_connections.
 */
const CONCURRENT_READS_PER_ASSET = 4

export interface ServiceOptions {
  /** use the embedded store with the demo market, whatever the config says */
  readonly demo: boolean
  /** writes go to test_ tables */
  readonly testPrefix: boolean
  /** build the position collector even when collector.enabled is false (`collect --once`) */
  readonly collector?: boolean
  /** the embedded store may be in use by a server: open it without its lock (`--once`) */
  readonly sharedStore?: boolean
}

/**
 * The chart renderer (its module, worker, wasm and fonts: tens of MB) is loaded by the first
 * chart asked for; `--once` without diagnostics and a server nobody looks at never load it.
 */
function chartRenderer(): ChartRenderer {
  let renderer: Promise<ChartRenderer> | null = null
  const started = () => (renderer ??= import('./charts/renderer.ts').then(({ createChartRenderer }) => createChartRenderer({ workers: 1 })))
  return {
    renderDiagnostic: async (input) => (await started()).renderDiagnostic(input),
    renderPrices: async (input) => (await started()).renderPrices(input),
    close: async () => (await renderer)?.close(),
  }
}

export interface Services {
  readonly config: Config
  readonly store: Store
  readonly prices: PriceSources
  readonly latest: LatestEvaluation
  readonly metrics: Metrics
  readonly auth: Authenticator
  readonly sync: TransactionSync
  /** the position collector, when enabled (never on the demo market) */
  readonly collector: Collector | null
  /** diagnostic PNG of each asset written by the last evaluation */
  readonly plotPaths: Map<string, string>
  readonly charts: ChartRenderer
  /** the decision history; null when history.enabled is false */
  readonly history: DecisionHistory | null
  /** what the dashboard shows of the history (load it when serving) */
  readonly recentHistory: RecentHistory | null
  /** null when notifications.enabled is false */
  readonly notifier: Notifier | null
  /** what the HTTP layer needs */
  readonly web: WebDeps
  /** one evaluation cycle; never throws (a failure is logged and counted) */
  runEvaluation(signal?: AbortSignal): Promise<EvaluationResult | null>
  close(): Promise<void>
}

function databaseUrl(config: Config): string | null {
  const connection = config.data.databases.greptime
  if (!connection) return null
  const user = encodeURIComponent(connection.user)
  const password = connection.password ? `:${encodeURIComponent(connection.password)}` : ''
  return `postgres://${user}${password}@${connection.host}:${connection.port}/${encodeURIComponent(connection.database)}`
}

/** `<config dir>/token_registry.csv`, else `config/token_registry.csv`, else the shipped rows. */
function loadRegistry(configSource: string): TokenRegistry {
  const candidates = [join(dirname(configSource), 'token_registry.csv'), 'config/token_registry.csv']
  const path = candidates.find((candidate) => existsSync(candidate))
  const text = path ? readFileSync(path, 'utf8') : shippedRegistryText
  const { registry, problems } = parseTokenRegistry(text, path ?? 'built-in config/token_registry.csv')
  for (const problem of problems) log.warn('token registry row skipped', { file: registry.source, line: problem.line, problem: problem.message })
  return registry
}

export function priceSources(config: Config, reader: StoreReader, registry: TokenRegistry | null, liqwid: LiqwidClient | null): PriceSources {
  const symbolOf = async (asset: string) => {
    const resolved = config.resolved.assets[asset]
    if (resolved?.symbol_source === 'domain.symbols') return resolved.symbol
    return (await reader.resolveSymbol(asset)).symbol
  }
  const compareSources = config.resolved.price_compare_sources
  const endpoints = config.prices.endpoints
  const compare = config.analysis.price_compare
  return createPriceSources({
    sources: [...new Set([...config.prices.sources, ...compareSources])],
    priorityByLogical: config.prices.priority_by_logical,
    greptime: {
      liqwid: async (asset) => (await reader.latestPrice('greptime(liqwid)', await symbolOf(asset)))?.priceUsd ?? null,
      minswap: async (asset) => (await reader.latestPrice('greptime(minswap)', await symbolOf(asset)))?.priceUsd ?? null,
    },
    liqwid,
    minswap: endpoints.minswap_aggregator
      ? {
          client: createMinswapClient({
            baseUrl: endpoints.minswap_aggregator,
            requestTimeoutSeconds: compare.request_timeout_seconds,
            retries: compare.retries,
            currency: config.settings.currency,
          }),
          registry,
        }
      : null,
  })
}

/**
 * The demo market is data the evaluation reads, so it goes to the normal tables even under
 * --test-prefix (which only redirects what the transaction sync writes).
 */
async function prepareDemo(writer: StoreWriter, config: Config): Promise<void> {
  const now = Date.now()
  const keyword = config.analysis.decision.reference.keyword
  const status = await demoStatus(writer, now)
  if (!status.exists) {
    const written = await seedDemo(writer, { now, keyword, replace: true })
    log.info('demo market created', { positions: written.positions, deposits: written.deposits, withdrawals: written.withdrawals })
  } else if (status.staleMs !== null && status.staleMs > DEMO_MAX_STALENESS_MS) {
    await seedDemo(writer, { now, keyword, replace: true })
    log.info('demo market regenerated (older than 6 hours)', { last_sample: new Date(status.lastTs!).toISOString() })
  } else await appendDemoSample(writer, now, keyword)
}

export async function startServices(loaded: LoadedConfig, options: ServiceOptions): Promise<Services> {
  const config = loaded.config
  const connection = config.data.databases.greptime
  const demo = options.demo || (config.resolved.store === 'embedded' && config.data.embedded.seed === 'demo')
  if (options.demo && connection) log.warn('--demo uses the embedded store: data.databases.greptime is ignored for this run')
  const sources = config.data.datasets.transactions.sources
  const tableNames = {
    positionsPrefix: sources.liqwid.table_asset_prefix,
    depositsPrefix: sources.liqwid.deposits_prefix,
    withdrawalsPrefix: sources.liqwid.withdrawals_prefix,
    minswapNamespace: sources.minswap.database,
    minswapPrefix: sources.minswap.table_price_prefix,
  }
  const store = await openStore({
    url: options.demo ? null : databaseUrl(config),
    embeddedDir: config.data.embedded.dir,
    sharedEmbedded: options.sharedStore,
    dialect: connection?.dialect ?? 'postgres',
    connectTimeoutMs: (connection?.timeout ?? 10) * 1000,
    queryTimeoutMs: (connection?.timeout ?? 10) * 1000,
    maxConnections: Math.min(connection?.max_connections ?? 2, Math.max(1, Object.keys(config.resolved.assets).length * CONCURRENT_READS_PER_ASSET)),
    testPrefix: options.testPrefix,
    ...tableNames,
  })
  const demoWriter = demo ? new StoreWriter(store.client, { ...tableNames, testPrefix: false }) : null
  try {
    if (store.embedded)
      log.info('embedded store ready', { dir: store.embedded.dir, created: store.embedded.created, start_ms: Math.round(store.embedded.startMs) })
    if (demoWriter) await prepareDemo(demoWriter, config)
    const endpoint = config.prices.endpoints.liqwid_graphql
    const registry = loadRegistry(loaded.source)
    const prices = priceSources(config, store.reader, registry, endpoint ? createLiqwidClient({ endpoint, ...LIQWID_PRICE_TIMING }) : null)
    const syncClient = endpoint ? createLiqwidClient({ endpoint, ...LIQWID_SYNC_TIMING }) : null
    const latest = new LatestEvaluation()
    const metrics = await createMetrics(config, { version: VERSION, commit: buildCommit() })
    if (demo && options.collector)
      throw new AppError('config_invalid', 'collect: the embedded store holds the synthetic demo market (data.embedded.seed: demo)')
    if (demo && config.collector.enabled) log.warn('the demo market is synthetic: collector.enabled is ignored for this run')
    const collector =
      !demo && (config.collector.enabled || options.collector)
        ? collectorFromConfig(config, {
            reader: store.reader,
            writer: store.writer,
            testPrefix: options.testPrefix,
            record: (outcome, at) => void metrics.recordCollection(outcome, at),
          })
        : null
    const sync = createSyncService({ config, reader: store.reader, writer: store.writer, liqwid: syncClient, testPrefix: options.testPrefix })
    const mismatchStreaks = new Map<string, number>()
    const plotPaths = new Map<string, string>()
    const charts = chartRenderer()
    const chartCache = new ChartCache(charts, config, latest)
    const history = config.history.enabled ? new DecisionHistory(store.client, { testPrefix: options.testPrefix }) : null
    const notifier = config.notifications.enabled
      ? new Notifier(config, { history, onOutcome: (channel, outcome) => metrics.countNotification(channel, outcome) })
      : null
    const recentHistory = history ? new RecentHistory(history, config.domain.assets, config.history.retention_days * 86_400_000) : null
    const afterEvaluation = historyAndNotificationsStep(history, recentHistory, notifier)

    const runEvaluation = async (signal?: AbortSignal): Promise<EvaluationResult | null> => {
      const started = performance.now()
      try {
        if (demoWriter) await appendDemoSample(demoWriter, Date.now(), config.analysis.decision.reference.keyword)
        const result = await evaluate(config, { reader: store.reader, prices, mismatchStreaks, signal }, Date.now())
        const snapshot = latest.publish(result)
        await metrics.update(result)
        if (config.visualization.diagnostics.enabled)
          for (const [asset, path] of await writeDiagnostics(config, chartCache, snapshot)) plotPaths.set(asset, path)
        await afterEvaluation
          .run(result)
          .catch((error) => log.error('after-evaluation step failed', { step: afterEvaluation.name, error: describeError(error) }))
        for (const entry of result.assets)
          log.info('decision', {
            asset: entry.asset,
            decision: entry.decision.decision,
            wmax_usd: entry.decision.wmaxUsd.toFixed(2),
            reason: entry.decision.reason ?? '',
          })
        log.info('evaluation finished', {
          assets: result.assets.length,
          errors: result.assets.filter((a) => a.decision.decision === -1).length,
          duration_ms: Math.round(result.durationMs),
        })
        return result
      } catch (error) {
        await metrics.recordFailure(performance.now() - started)
        log.error('evaluation failed', { error: describeError(error) })
        return null
      }
    }

    // One evaluation at a time: "Evaluate now" while one runs joins it instead of starting another.
    let running: Promise<EvaluationResult | null> | null = null
    const evaluateOnce = (signal?: AbortSignal) => {
      running ??= runEvaluation(signal).finally(() => {
        running = null
      })
      return running
    }
    const evaluateNow = (): 'started' | 'running' => {
      if (running) return 'running'
      void evaluateOnce()
      return 'started'
    }

    const auth = createAuthenticator(config.resolved.auth)
    const web: WebDeps = {
      config,
      normalizedConfigJson: normalizedConfigJson(loaded),
      latest,
      metrics,
      auth,
      sync,
      plotPaths,
      history,
      startedAt: Date.now(),
      dashboard: {
        config,
        latest,
        sync,
        charts: chartCache,
        authEnabled: auth.enabled,
        history: recentHistory,
        reportedYield: collector ? (asset) => collector.reportedYield(asset) : undefined,
        evaluateNow,
      },
    }
    return {
      config,
      store,
      prices,
      latest,
      metrics,
      auth,
      sync,
      collector,
      plotPaths,
      charts,
      history,
      recentHistory,
      notifier,
      web,
      runEvaluation: evaluateOnce,
      close: async () => {
        sync.cancel()
        if (notifier) {
          if (!(await notifier.drain(NOTIFICATION_DRAIN_MS))) log.warn('notifications still queued at shutdown were dropped')
          await notifier.close()
        }
        await charts.close()
        await store.close()
      },
    }
  } catch (error) {
    await store.close()
    throw error
  }
}
