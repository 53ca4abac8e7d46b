/**
 * The default store when no database is configured: one SQLite file, `<dir>/store.sqlite`
 * (default dir `./data`), opened in this process through bun:sqlite (sqlite-client.ts).
 *
 * One serving process per directory: a server holds `<dir>/store.lock` (lock.ts) for its whole
 * life, so two servers never both append the demo feed or sync into one file. `--once` opens the
 * file without the lock, next to a running server: SQLite's own locking (WAL, one writer at a
 * time, a busy timeout) keeps both consistent.
 *
 * A directory left by the previous embedded store (PGlite's `pgdata/`) is moved aside first
 * (legacy.ts), under the lock, so it is never moved from under a server of the old version.
 */

import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AppError } from '../errors.ts'
import { log } from '../log.ts'
import { type MovedLegacyStore, LEGACY_DATA_DIR, moveLegacyStoreAside } from './legacy.ts'
import { type DirectoryLock, lockDirectory } from './lock.ts'
import { SqliteClient } from './sqlite-client.ts'

export const DEFAULT_EMBEDDED_DIR = './data'
export const STORE_FILE = 'store.sqlite'

export interface EmbeddedStoreOptions {
  readonly dir?: string
  /** false: open next to a server that may hold the directory (`--once`); default true */
  readonly exclusive?: boolean
  /** how long a write waits for another process' write lock */
  readonly busyTimeoutMs?: number
}

export interface EmbeddedStore {
  readonly client: SqliteClient
  /** absolute directory holding the store file and the lock */
  readonly dir: string
  /** the SQLite file */
  readonly path: string
  /** true when this start created the file */
  readonly created: boolean
  /** the previous store's directory this start moved aside, if any */
  readonly legacy: MovedLegacyStore | null
  readonly startMs: number
  /** closes the file and releases the lock; idempotent */
  close(): Promise<void>
}

export function openEmbeddedStore(options: EmbeddedStoreOptions = {}): EmbeddedStore {
  const started = performance.now()
  const dir = resolve(options.dir ?? DEFAULT_EMBEDDED_DIR)
  const exclusive = options.exclusive ?? true
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    throw new AppError('store_unreachable', `cannot create the embedded store directory ${dir}: ${(error as Error).message}`, { cause: error })
  }
  const lock: DirectoryLock | null = exclusive ? lockDirectory(dir) : null
  try {
    const legacy = existsSync(join(dir, LEGACY_DATA_DIR)) ? moveLegacyAside(dir, lock) : null
    const path = join(dir, STORE_FILE)
    const created = !existsSync(path)
    const client = new SqliteClient({ path, busyTimeoutMs: options.busyTimeoutMs })
    let closing: Promise<void> | null = null
    const held = lock
    return {
      client,
      dir,
      path,
      created,
      legacy,
      startMs: Math.round(performance.now() - started),
      close: () => {
        closing ??= client.close().finally(() => held?.release())
        return closing
      },
    }
  } catch (error) {
    lock?.release()
    throw error
  }
}

/** Under the directory lock (taken here for `--once`), so a server of the old version keeps its files. */
function moveLegacyAside(dir: string, held: DirectoryLock | null): MovedLegacyStore | null {
  const lock = held ?? lockDirectory(dir)
  try {
    const moved = moveLegacyStoreAside(dir)
    if (moved !== null) {
      log.warn('found the previous embedded store (PGlite) and moved it aside; a fresh store starts', {
        from: moved.from,
        moved_to: moved.to,
        postgres_version: moved.postgresVersion ?? 'unknown',
        size_mb: (moved.bytes / 1048576).toFixed(1),
        next:
          'the demo market regenerates by itself; run `alert-orchestrator sync` once to bring synced transactions back; ' +
          'delete the moved directory when no longer wanted',
      })
    }
    return moved
  } finally {
    if (held === null) lock.release()
  }
}
