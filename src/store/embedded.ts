/**
 * The default store when no database is configured: PostgreSQL compiled to WebAssembly (PGlite),
 * its files in a directory (default `./data`), served on a loopback ephemeral port by
 * pglite-socket so the service talks to it through the same driver and SQL as to GreptimeDB.
 * PGlite runs in a worker thread (embedded-worker.ts): its queries execute synchronously and
 * would otherwise block the HTTP server.
 *
 * Layout: `<dir>/pgdata` (PostgreSQL's files) and `<dir>/store.lock` (see lock.ts). PGlite's
 * runtime files are imported `with { type: 'file' }` by the worker so a `bun build --compile`
 * binary embeds them. The first start runs initdb (seconds); later starts are faster.
 */

import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AppError } from '../errors.ts'
import { log } from '../log.ts'
import { workerScriptUrl } from '../worker-url.ts'
import type { EmbeddedReply, EmbeddedRequest } from './embedded-protocol.ts'
import { lockDirectory } from './lock.ts'

export const DEFAULT_EMBEDDED_DIR = './data'
const LOOPBACK = '127.0.0.1'
/** initdb under emulation (qemu) takes minutes; a start that never answers is a failure. */
const START_TIMEOUT_MS = 300_000
/** A stop normally takes milliseconds (a checkpoint); past this the thread is terminated. */
const STOP_TIMEOUT_MS = 30_000

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

/** Waits for the worker's next reply, or its death, or the deadline. */
function nextReply(worker: Worker, timeoutMs: number): Promise<EmbeddedReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`))), timeoutMs)
    const onMessage = (event: MessageEvent<EmbeddedReply>) => finish(() => resolve(event.data))
    const onError = (event: ErrorEvent) => finish(() => reject(new Error(event.message)))
    const onClose = () => finish(() => reject(new Error('the store thread exited')))
    function finish(settle: () => void) {
      clearTimeout(timer)
      worker.removeEventListener('message', onMessage)
      worker.removeEventListener('error', onError)
      worker.removeEventListener('close', onClose)
      settle()
    }
    worker.addEventListener('message', onMessage)
    worker.addEventListener('error', onError)
    worker.addEventListener('close', onClose)
  })
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const dir = resolve(options.dir ?? DEFAULT_EMBEDDED_DIR)
  const lock = lockDirectory(dir)
  const started = performance.now()
  const dataDir = join(dir, 'pgdata')
  const created = !existsSync(join(dataDir, 'PG_VERSION'))
  const send = (worker: Worker, message: EmbeddedRequest) => worker.postMessage(message)
  let worker: Worker | null = null
  let port: number
  try {
    worker = new Worker(workerScriptUrl(import.meta.url, './embedded-worker.ts', 'store/embedded-worker.js'))
    const ready = nextReply(worker, START_TIMEOUT_MS)
    send(worker, { type: 'start', dataDir })
    const reply = await ready
    if (reply.type !== 'ready') throw new Error(reply.type === 'failed' ? reply.message : `unexpected ${reply.type}`)
    port = reply.port
  } catch (error) {
    worker?.terminate()
    lock.release()
    const reason = error instanceof Error ? error.message : String(error)
    throw new AppError('store_unreachable', `the embedded store in ${dir} failed to start: ${reason}`, { cause: error, details: { dir } })
  }
  const running = worker
  running.addEventListener('close', () => {
    if (!closing) log.error('the embedded store thread stopped unexpectedly', { dir })
  })
  let closing: Promise<void> | null = null
  return {
    url: `postgres://postgres@${LOOPBACK}:${port}/postgres`,
    dir,
    created,
    startMs: Math.round(performance.now() - started),
    close: () => {
      closing ??= (async () => {
        try {
          const stopped = nextReply(running, STOP_TIMEOUT_MS)
          send(running, { type: 'stop' })
          await stopped.catch((error) => log.warn('the embedded store did not stop cleanly', { dir, error: String(error) }))
        } finally {
          running.terminate()
          lock.release()
        }
      })()
      return closing
    },
  }
}
