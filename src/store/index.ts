/**
 * The store's front door: `openStore` connects to the configured database, or starts the
 * embedded one when none is configured, and hands back a reader and a writer on one client.
 * Options are plain values (the config module maps its keys onto them).
 */

import { type DialectSetting, StoreClient } from './client.ts'
import { type EmbeddedStore, startEmbeddedStore } from './embedded.ts'
import { StoreReader } from './reader.ts'
import { TableNames, type TableNamesOptions } from './tables.ts'
import { StoreWriter } from './writer.ts'

export interface OpenStoreOptions extends TableNamesOptions {
  /** `postgres://…` of GreptimeDB (port 4003) or PostgreSQL; null/absent = the embedded store */
  readonly url?: string | null
  /** directory of the embedded store (default `./data`) */
  readonly embeddedDir?: string
  readonly dialect?: DialectSetting
  readonly connectTimeoutMs?: number
  readonly queryTimeoutMs?: number
  readonly maxConnections?: number
  /** `--test-prefix`: writes go to `test_<table>` */
  readonly testPrefix?: boolean
}

export interface Store {
  readonly client: StoreClient
  readonly reader: StoreReader
  readonly writer: StoreWriter
  /** the embedded store when one was started */
  readonly embedded: EmbeddedStore | null
  /** closes the client, then the embedded store */
  close(): Promise<void>
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  new TableNames(options) // a bad prefix fails here, before an embedded store is started
  const embedded = options.url ? null : await startEmbeddedStore({ dir: options.embeddedDir })
  const client = new StoreClient({
    url: options.url || embedded!.url,
    // PGlite is PostgreSQL: no need to ask.
    dialect: embedded === null ? (options.dialect ?? 'auto') : 'postgres',
    connectTimeoutMs: options.connectTimeoutMs,
    queryTimeoutMs: options.queryTimeoutMs,
    maxConnections: options.maxConnections,
  })
  return {
    client,
    reader: new StoreReader(client, options),
    writer: new StoreWriter(client, options),
    embedded,
    close: async () => {
      await client.close()
      await embedded?.close()
    },
  }
}

export { StoreClient, dialectFromVersion, parseTimestampMs, type DialectSetting, type StoreClientOptions } from './client.ts'
export { StoreReader } from './reader.ts'
export { StoreWriter, type StoreWriterOptions } from './writer.ts'
export { startEmbeddedStore, DEFAULT_EMBEDDED_DIR, type EmbeddedStore, type EmbeddedStoreOptions } from './embedded.ts'
export { appendDemoSample, demoStatus, seedDemo, type DemoOptions, type DemoStatus } from './demo.ts'
export { TableNames, DEFAULT_TABLE_NAMES, normalizeSymbol, type TableNamesOptions } from './tables.ts'
export type { Dialect } from './sql.ts'
export * from './types.ts'
