/**
 * The default store when no database is configured: PostgreSQL compiled to WebAssembly (PGlite),
 * its files in a directory (default `./data`), served on a loopback ephemeral port by
 * pglite-socket so the service talks to it through the same driver and SQL as to GreptimeDB.
 *
 * Layout: `<dir>/pgdata` (PostgreSQL's files) and `<dir>/store.lock` (see lock.ts). PGlite's
 * runtime files are imported `with { type: 'file' }` so a `bun build --compile` binary embeds them
 * and needs nothing beside itself. The first start runs initdb (seconds); later starts are faster.
 */

import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
// The package's export map hides dist/, hence the path through node_modules.
import pgliteWasmPath from '../../node_modules/@electric-sql/pglite/dist/pglite.wasm' with { type: 'file' }
import initdbWasmPath from '../../node_modules/@electric-sql/pglite/dist/initdb.wasm' with { type: 'file' }
import fsBundlePath from '../../node_modules/@electric-sql/pglite/dist/pglite.data' with { type: 'file' }
import { AppError, describeError } from '../errors.ts'
import { lockDirectory } from './lock.ts'

export const DEFAULT_EMBEDDED_DIR = './data'
/** Connections the socket server accepts; the client pool stays below it. */
const MAX_SOCKET_CONNECTIONS = 16
const LOOPBACK = '127.0.0.1'

export interface EmbeddedStoreOptions {
  readonly dir?: string
}

export interface EmbeddedStore {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** absolute directory holding `pgdata/` and the lock */
  readonly dir: string
  /** true when this start ran initdb */
  readonly created: boolean
  readonly startMs: number
  /** stops the socket server, closes PGlite and releases the lock; idempotent */
  close(): Promise<void>
}

interface PgliteAssets {
  readonly pgliteWasmModule: WebAssembly.Module
  readonly initdbWasmModule: WebAssembly.Module
  readonly fsBundle: Blob
}

let assets: Promise<PgliteAssets> | null = null

/** Compiled once per process: starting a second store (tests) skips the compile. */
function loadAssets(): Promise<PgliteAssets> {
  assets ??= (async () => {
    const [pglite, initdb, bundle] = await Promise.all(
      [pgliteWasmPath, initdbWasmPath, fsBundlePath].map((path) => Bun.file(path).arrayBuffer()),
    )
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([WebAssembly.compile(pglite!), WebAssembly.compile(initdb!)])
    return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([bundle!]) }
  })()
  return assets
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const dir = resolve(options.dir ?? DEFAULT_EMBEDDED_DIR)
  const lock = lockDirectory(dir)
  const started = performance.now()
  const dataDir = join(dir, 'pgdata')
  const created = !existsSync(join(dataDir, 'PG_VERSION'))
  let db: PGlite | null = null
  let server: PGLiteSocketServer | null = null
  try {
    db = await PGlite.create({ dataDir, ...(await loadAssets()) })
    server = new PGLiteSocketServer({ db, host: LOOPBACK, port: 0, maxConnections: MAX_SOCKET_CONNECTIONS })
    await server.start()
  } catch (error) {
    await server?.stop().catch(() => {})
    await db?.close().catch(() => {})
    lock.release()
    throw new AppError('store_unreachable', `the embedded store in ${dir} failed to start: ${describeError(error)}`, { cause: error, details: { dir } })
  }
  const port = Number(server.getServerConn().split(':').pop())
  const running = { db, server }
  let closing: Promise<void> | null = null
  return {
    url: `postgres://postgres@${LOOPBACK}:${port}/postgres`,
    dir,
    created,
    startMs: Math.round(performance.now() - started),
    close: () => {
      closing ??= (async () => {
        try {
          await running.server.stop()
          await running.db.close()
        } finally {
          lock.release()
        }
      })()
      return closing
    },
  }
}
