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
import { loadTestConfig, type ConfigTree } from './config.ts'

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
    const writer = new StoreWriter(services.store.client, {
      positionsPrefix: loaded.config.data.datasets.transactions.sources.liqwid.table_asset_prefix,
    })
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
