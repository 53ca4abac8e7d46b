/**
 * The store's front door: `openStore` connects to the configured database, or opens the
 * embedded one when none is configured, and hands back a reader and a writer on one client.
 * Options are plain values (the config module maps its keys onto them).
 */

import type { StoreClient } from './client.ts'
import { type EmbeddedStore, openEmbeddedStore } from './embedded.ts'
import { type DialectSetting, PostgresClient } from './postgres-client.ts'
import { StoreReader } from './reader.ts'
import { TableNames, type TableNamesOptions } from './tables.ts'
import { StoreWriter } from './writer.ts'

export interface OpenStoreOptions extends TableNamesOptions {
  /** `postgres://…` of GreptimeDB (port 4003) or PostgreSQL; null/absent = the embedded store */
  readonly url?: string | null
  /** directory of the embedded store (default `./data`) */
  readonly embeddedDir?: string
  /** open the embedded store without its directory lock, next to a server (`--once`) */
  readonly sharedEmbedded?: boolean
  readonly dialect?: DialectSetting
  readonly connectTimeoutMs?: number
  /** statement deadline (PostgreSQL, GreptimeDB); how long a write waits for the lock (embedded) */
  readonly queryTimeoutMs?: number
  readonly maxConnections?: number
  /** `--test-prefix`: writes go to `test_<table>` */
  readonly testPrefix?: boolean
}

export interface Store {
  readonly client: StoreClient
  readonly reader: StoreReader
  readonly writer: StoreWriter
  /** the embedded store when one was opened */
  readonly embedded: EmbeddedStore | null
  /** closes the client, then the embedded store */
  close(): Promise<void>
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  new TableNames(options) // a bad prefix fails here, before the embedded store is opened
  const embedded = options.url
    ? null
    : openEmbeddedStore({ dir: options.embeddedDir, exclusive: !options.sharedEmbedded, busyTimeoutMs: options.queryTimeoutMs })
  const client: StoreClient =
    embedded?.client ??
    new PostgresClient({
      url: options.url!,
      dialect: options.dialect ?? 'auto',
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

export type { QueryOptions, Row, StoreClient } from './client.ts'
export { PostgresClient, dialectFromVersion, parseTimestampMs, type DialectSetting, type PostgresClientOptions } from './postgres-client.ts'
export { SqliteClient, type SqliteClientOptions } from './sqlite-client.ts'
export { StoreReader } from './reader.ts'
export { StoreWriter, type StoreWriterOptions } from './writer.ts'
export { openEmbeddedStore, DEFAULT_EMBEDDED_DIR, STORE_FILE, type EmbeddedStore, type EmbeddedStoreOptions } from './embedded.ts'
export { appendDemoSample, demoStatus, seedDemo, type DemoOptions, type DemoStatus } from './demo.ts'
export { TableNames, DEFAULT_TABLE_NAMES, normalizeSymbol, type TableNamesOptions } from './tables.ts'
export type { Dialect } from './sql.ts'
export * from './types.ts'
