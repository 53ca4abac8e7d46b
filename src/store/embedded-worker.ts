/**
 * The embedded store's thread: PGlite (PostgreSQL compiled to WebAssembly) and the pglite-socket
 * server that exposes it on a loopback port. PGlite executes SQL synchronously; on the service's
 * own thread every query would stall HTTP requests for its whole duration, so it lives here and
 * the service reaches it over TCP like any PostgreSQL.
 */
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
// The package's export map hides dist/, hence the path through node_modules.
import pgliteWasmPath from '../../node_modules/@electric-sql/pglite/dist/pglite.wasm' with { type: 'file' }
import initdbWasmPath from '../../node_modules/@electric-sql/pglite/dist/initdb.wasm' with { type: 'file' }
import fsBundlePath from '../../node_modules/@electric-sql/pglite/dist/pglite.data' with { type: 'file' }
import type { EmbeddedReply, EmbeddedRequest } from './embedded-protocol.ts'

declare const self: Worker

/** Connections the socket server accepts; the client pool stays below it. */
const MAX_SOCKET_CONNECTIONS = 16
const LOOPBACK = '127.0.0.1'

let db: PGlite | null = null
let server: PGLiteSocketServer | null = null

const reply = (message: EmbeddedReply) => self.postMessage(message)

async function start(dataDir: string): Promise<void> {
  try {
    const [pglite, initdb, bundle] = await Promise.all([pgliteWasmPath, initdbWasmPath, fsBundlePath].map((path) => Bun.file(path).arrayBuffer()))
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([WebAssembly.compile(pglite!), WebAssembly.compile(initdb!)])
    db = await PGlite.create({ dataDir, pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([bundle!]) })
    server = new PGLiteSocketServer({ db, host: LOOPBACK, port: 0, maxConnections: MAX_SOCKET_CONNECTIONS })
    await server.start()
    reply({ type: 'ready', port: Number(server.getServerConn().split(':').pop()) })
  } catch (error) {
    await stop()
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
}

async function stop(): Promise<void> {
  await server?.stop().catch(() => {})
  await db?.close().catch(() => {})
  server = null
  db = null
}

self.onmessage = async (event: MessageEvent<EmbeddedRequest>) => {
  if (event.data.type === 'start') await start(event.data.dataDir)
  else {
    await stop()
    reply({ type: 'stopped' })
  }
}
