/**
 * The composition root, wiring only: builds the long-lived services from the configuration (store,
 * price sources, transaction sync, metrics, authentication, latest snapshot, the evaluation cycle
 * of evaluation/cycle.ts) and closes them in reverse order. `runEvaluation` is that cycle's run,
 * shared by `--once` and the scheduler.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import shippedRegistryText from '../config/token_registry.csv' with { type: 'text' }
import type { Config } from './config/resolve.ts'
import { createEvaluationCycle } from './evaluation/cycle.ts'
import { writeDiagnostics } from './evaluation/diagnostics.ts'
import { LatestEvaluation } from './evaluation/latest.ts'
import type { EvaluationResult } from './evaluation/result.ts'
import { log } from './log.ts'
import { createLiqwidClient, LIQWID_PRICE_TIMING, LIQWID_SYNC_TIMING } from './sources/liqwid.ts'
import type { PriceSources } from './sources/prices.ts'
import { configuredPriceSources, storePriceSources } from './sources/configured.ts'
import { readerAsOf } from './evaluation/reader.ts'
import type { EpochMs } from './engine/types.ts'
import { parseTokenRegistry, type TokenRegistry } from './sources/registry.ts'
import { appendDemoSample, demoStatus, seedDemo } from './store/demo.ts'
import { openStore, type OpenStoreOptions, type Store } from './store/index.ts'
import { StoreWriter } from './store/writer.ts'
import { createSyncService, type TransactionSync } from './sync/service.ts'
import { buildCommit, VERSION } from './version.ts'
import type { ChartRenderer } from './charts/index.ts'
import type { Collector } from './collector/collector.ts'
import { collectorFromConfig } from './collector/service.ts'
import { AppError } from './errors.ts'
import { historyAndNotificationsStep } from './history/step.ts'
import { DecisionHistory } from './history/store.ts'
import { RecentHistory } from './history/recent.ts'
import { Notifier } from './notify/notifier.ts'
import type { AfterPublishStep } from './evaluation/cycle.ts'
import type { LoadedConfig } from './config/load.ts'
import { normalizedConfigJson } from './config/normalize.ts'
import type { WebDeps } from './web/app.ts'
import { createAuthenticator, type Authenticator } from './web/auth.ts'
import { ChartCache } from './views/chart-cache.ts'
import { ReplayViews } from './views/replay-view.ts'
import { createReplayRunner } from './replay/runner.ts'
import { createMetrics, type Metrics } from './web/metrics.ts'

/** A demo store older than this is regenerated at start, so its states (anomaly, mismatch) stay visible. */
const DEMO_MAX_STALENESS_MS = 6 * 3_600_000
/** How long closing waits for queued notifications (--once exits right after its evaluation). */
const NOTIFICATION_DRAIN_MS = 15_000
/**
 * Reads one asset's evaluation has in flight at once (gather.ts: deposits and withdrawals, then
 * the aggregate, then wallet samples, Minswap series and the store's prices): the pool never opens
 * more connections than an evaluation of all assets can use, nor more than max_connections.
 */
const CONCURRENT_READS_PER_ASSET = 4
/** A chart worker holds ~45 MB (wasm, fonts, heap); restarting one costs ~1 s on the next chart. */
const CHART_WORKER_IDLE_MS = 2 * 60_000

export interface ServiceOptions {
  /** use the embedded store with the demo market, whatever the config says */
  readonly demo: boolean
  /** writes go to test_ tables */
  readonly testPrefix: boolean
  /** build the position collector even when collector.enabled is false (`collect --once`) */
  readonly collector?: boolean
  /** the embedded store may be in use by a server: open it without its lock (`--once`, `sync`) */
  readonly sharedStore?: boolean
  /** `--once --now`: evaluate as of this instant — rows up to it only, and store prices only (a live price would be a look-ahead) */
  readonly asOf?: EpochMs
}

/**
 * The chart renderer (its module, worker, wasm and fonts: tens of MB) is loaded by the first
 * chart asked for; `--once` without diagnostics and a server nobody looks at never load it, and a
 * worker idle for CHART_WORKER_IDLE_MS is stopped (the dashboard renders a few charts per
 * evaluation, then nothing until the next one).
 */
function chartRenderer(): ChartRenderer {
  let renderer: Promise<ChartRenderer> | null = null
  const started = () =>
    (renderer ??= import('./charts/renderer.ts').then(({ createChartRenderer }) => createChartRenderer({ workers: 1, idleMs: CHART_WORKER_IDLE_MS })))
  return {
    renderDiagnostic: async (input) => (await started()).renderDiagnostic(input),
    renderPrices: async (input) => (await started()).renderPrices(input),
    renderTimeline: async (input) => (await started()).renderTimeline(input),
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
  readonly charts: ChartRenderer
  /** the position collector, when enabled (never on the demo market) */
  readonly collector: Collector | null
  /** the decision history; null when history.enabled is false */
  readonly history: DecisionHistory | null
  /** what the dashboard shows of the history (load it when serving) */
  readonly recentHistory: RecentHistory | null
  /** null when notifications.enabled is false */
  readonly notifier: Notifier | null
  /** what the HTTP layer needs */
  readonly web: WebDeps
  /** one evaluation cycle (evaluation/cycle.ts); never throws (a failure is logged and counted) */
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

/**
 * The demo market is data the evaluation reads, so it goes to the normal tables even under
 * --test-prefix (which only redirects what the transaction sync writes).
 */
async function prepareDemo(writer: StoreWriter, config: Config, now: number): Promise<void> {
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

/** How the configuration opens its store (the service and `check` open it the same way). */
export function storeOptionsOf(config: Config, options: Pick<ServiceOptions, 'demo' | 'testPrefix' | 'sharedStore'>): OpenStoreOptions {
  const connection = config.data.databases.greptime
  return {
    url: options.demo ? null : databaseUrl(config),
    embeddedDir: config.data.embedded.dir,
    sharedEmbedded: options.sharedStore,
    dialect: connection?.dialect ?? 'postgres',
    connectTimeoutMs: (connection?.timeout ?? 10) * 1000,
    queryTimeoutMs: (connection?.timeout ?? 10) * 1000,
    maxConnections: Math.min(connection?.max_connections ?? 2, Math.max(1, Object.keys(config.resolved.assets).length * CONCURRENT_READS_PER_ASSET)),
    testPrefix: options.testPrefix,
    ...config.resolved.table_names,
  }
}

interface OpenedStore {
  readonly store: Store
  /** writes the demo market (the normal tables), null without the demo */
  readonly demoWriter: StoreWriter | null
  readonly demo: boolean
}

async function openServiceStore(config: Config, options: ServiceOptions): Promise<OpenedStore> {
  const connection = config.data.databases.greptime
  const demo = options.demo || (config.resolved.store === 'embedded' && config.data.embedded.seed === 'demo')
  if (options.demo && connection) log.warn('--demo uses the embedded store: data.databases.greptime is ignored for this run')
  const tableNames = config.resolved.table_names
  const store = await openStore(storeOptionsOf(config, options))
  if (store.embedded)
    log.info('embedded store ready', { dir: store.embedded.dir, created: store.embedded.created, start_ms: Math.round(store.embedded.startMs) })
  return { store, demo, demoWriter: demo ? new StoreWriter(store.client, { ...tableNames, testPrefix: false }) : null }
}

/** The position collector of the configuration (or of `collect --once`); never on the synthetic demo market. */
function buildCollector(config: Config, options: ServiceOptions, opened: OpenedStore, metrics: Metrics): Collector | null {
  const { store, demo } = opened
  if (demo && options.collector)
    throw new AppError('config_invalid', 'collect: the embedded store holds the synthetic demo market (data.embedded.seed: demo)')
  if (demo && config.collector.enabled) log.warn('the demo market is synthetic: collector.enabled is ignored for this run')
  if (demo || !(config.collector.enabled || options.collector)) return null
  return collectorFromConfig(config, {
    reader: store.reader,
    writer: store.writer,
    testPrefix: options.testPrefix,
    record: (outcome, at) => void metrics.recordCollection(outcome, at),
  })
}

/** The decision history and the notifier, and the after-publish step that feeds them. */
function buildHistory(config: Config, options: ServiceOptions, store: Store, metrics: Metrics) {
  const history = config.history.enabled ? new DecisionHistory(store.client, { testPrefix: options.testPrefix }) : null
  const notifier = config.notifications.enabled
    ? new Notifier(config, { history, onOutcome: (channel, outcome) => metrics.countNotification(channel, outcome) })
    : null
  const recentHistory = history ? new RecentHistory(history, config.domain.assets, config.history.retention_days * 86_400_000) : null
  const step = historyAndNotificationsStep(history, recentHistory, notifier)
  const afterPublish: AfterPublishStep = { name: step.name, run: (snapshot) => step.run(snapshot.result) }
  return { history, notifier, recentHistory, afterPublish }
}

export async function startServices(loaded: LoadedConfig, options: ServiceOptions): Promise<Services> {
  const config = loaded.config
  const opened = await openServiceStore(config, options)
  const { store, demoWriter } = opened
  try {
    if (demoWriter) await prepareDemo(demoWriter, config, Date.now())
    const endpoint = config.prices.endpoints.liqwid_graphql
    const asOf = options.asOf
    const reader = asOf === undefined ? store.reader : readerAsOf(store.reader, asOf)
    const prices =
      asOf === undefined
        ? configuredPriceSources(
            config,
            reader,
            loadRegistry(loaded.source),
            endpoint
              ? createLiqwidClient({ endpoint, ...LIQWID_PRICE_TIMING, maxPriceAgeMs: config.prices.liqwid_max_price_age_hours * 3_600_000 })
              : null,
          )
        : storePriceSources(config, reader)
    if (asOf !== undefined)
      log.info('evaluating as of a past instant: rows up to it only, store prices only, nothing recorded nor notified', {
        now: new Date(asOf).toISOString(),
      })
    const syncClient = endpoint ? createLiqwidClient({ endpoint, ...LIQWID_SYNC_TIMING }) : null
    const latest = new LatestEvaluation()
    const metrics = await createMetrics(config, { version: VERSION, commit: buildCommit() })
    const collector = buildCollector(config, options, opened, metrics)
    const sync = createSyncService({ config, reader: store.reader, writer: store.writer, liqwid: syncClient, testPrefix: options.testPrefix })
    const { history, notifier, recentHistory, afterPublish } = buildHistory(config, options, store, metrics)
    const charts = chartRenderer()
    const chartCache = new ChartCache(charts, config, latest)
    const replayRunner = config.visualization.dashboard.replay.enabled ? createReplayRunner() : null
    const replays = replayRunner && new ReplayViews({ config, latest, runner: replayRunner, charts, store: storeOptionsOf(config, options) })
    const keyword = config.analysis.decision.reference.keyword
    const cycle = createEvaluationCycle({
      config,
      evaluation: { reader, prices },
      ...(asOf === undefined ? {} : { clock: () => asOf }),
      latest,
      metrics,
      diagnostics: config.visualization.diagnostics.enabled ? (next) => writeDiagnostics(config, chartCache, next) : null,
      prepare: demoWriter ? async (now) => void (await appendDemoSample(demoWriter, now, keyword)) : undefined,
      // --once --now reproduces a past instant: the history and the notifier hear only of the present
      afterPublish: asOf === undefined ? [afterPublish] : [],
    })

    // One evaluation at a time: "Evaluate now" while one runs joins it instead of starting another.
    let running: Promise<EvaluationResult | null> | null = null
    const evaluateOnce = (signal?: AbortSignal) => {
      running ??= cycle.run(signal).finally(() => {
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
        replays,
      },
    }
    const close = async () => {
      sync.cancel()
      if (notifier) {
        if (!(await notifier.drain(NOTIFICATION_DRAIN_MS))) log.warn('notifications still queued at shutdown were dropped')
        await notifier.close()
      }
      await replayRunner?.close()
      await charts.close()
      await store.close()
    }
    const parts = { config, store, prices, latest, metrics, auth, sync, charts, collector, history, recentHistory, notifier, web }
    return { ...parts, runEvaluation: evaluateOnce, close }
  } catch (error) {
    await store.close()
    throw error
  }
}
