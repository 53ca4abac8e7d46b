/**
 * The service as main.ts builds it (`startServices`), on a test store, with its log captured.
 *
 *   const harness = await startTestServices(withConfig(baseConfig(opened.data), { … }))
 *   await writeKnownMarket(harness.writer, Date.now())
 *   await harness.services.runEvaluation()
 *   const response = await harness.app.request('/metrics')
 *   await harness.close()
 */
import type { Hono } from 'hono'
import type { LoadedConfig } from '../../../src/config/load.ts'
import { captureLogs } from '../../../src/log.ts'
import { startServices, type Services } from '../../../src/services.ts'
import { StoreWriter } from '../../../src/store/writer.ts'
import { createWebApp } from '../../../src/web/app.ts'
import { startFakeLiqwid, type FakeLiqwid } from '../../fakes/liqwid.ts'
import { baseConfig, loadTestConfig, withConfig, type ConfigTree } from './config.ts'
import { writeKnownMarket } from './market.ts'
import { openEmbedded } from './stores.ts'

export interface ServiceHarness {
  readonly services: Services
  readonly loaded: LoadedConfig
  /** the Hono app over `services.web` */
  readonly app: Hono
  /** writes to the normal tables (seeding), whatever the service's test prefix */
  readonly writer: StoreWriter
  /** every log line the process emitted while the harness was open */
  readonly logs: string[]
  close(): Promise<void>
}

export interface HarnessOptions {
  readonly demo?: boolean
  readonly testPrefix?: boolean
  readonly env?: Record<string, string>
}

export async function startTestServices(tree: ConfigTree, options: HarnessOptions = {}): Promise<ServiceHarness> {
  const logs: string[] = []
  const restoreLogs = captureLogs((line) => logs.push(line))
  try {
    const loaded = loadTestConfig(tree, options.env)
    const services = await startServices(loaded, { demo: options.demo ?? false, testPrefix: options.testPrefix ?? false })
    const writer = new StoreWriter(services.store.client, loaded.config.resolved.table_names)
    return {
      services,
      loaded,
      app: createWebApp(services.web),
      writer,
      logs,
      close: async () => {
        try {
          await services.close()
        } finally {
          restoreLogs()
        }
      },
    }
  } catch (error) {
    restoreLogs()
    throw error
  }
}

/** `Authorization: Basic …` for a user and password (UTF-8, as browsers send it). */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}

export interface EvaluatedMarket {
  /** the configuration tree the service runs on (tests derive variants from it) */
  readonly tree: ConfigTree
  readonly harness: ServiceHarness
  /** the fake Liqwid API the service's sync and live prices talk to */
  readonly liqwid: FakeLiqwid
  close(): Promise<void>
}

/**
 * A service on a fresh embedded store holding the known market of market.ts, evaluated once,
 * with the fake Liqwid API as its endpoint: what the HTTP and auth tests start from.
 */
export async function startEvaluatedMarket(): Promise<EvaluatedMarket> {
  const opened = await openEmbedded()
  const liqwid = startFakeLiqwid()
  const tree = withConfig(baseConfig(opened.data), { prices: { endpoints: { liqwid_graphql: liqwid.endpoint } } })
  const harness = await startTestServices(tree)
  await writeKnownMarket(harness.writer, Date.now())
  await harness.services.runEvaluation()
  return {
    tree,
    harness,
    liqwid,
    close: async () => {
      await harness.close()
      await liqwid.stop()
      await opened.close()
    },
  }
}
