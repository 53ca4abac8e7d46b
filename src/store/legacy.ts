/**
 * Data directories of the previous embedded store (PGlite, PostgreSQL compiled to WebAssembly,
 * served through pglite-socket): `<dir>/pgdata`, a PostgreSQL data directory. This binary does not carry PGlite to read
 * it, so it is moved aside inside the same directory — renamed, never deleted — and a fresh
 * SQLite store starts beside it. Everything in it comes back by itself or with one command: the
 * demo market regenerates, synced transactions return with `alert-orchestrator sync`.
 *
 * The move stays inside `<dir>`: the parent of a state directory (/var/lib) is usually not
 * writable by the service, the directory itself is.
 */

import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../errors.ts'

export const LEGACY_DATA_DIR = 'pgdata'

export interface MovedLegacyStore {
  /** the PGlite data directory as found */
  readonly from: string
  /** where it is now */
  readonly to: string
  /** its PG_VERSION (e.g. `17`), null when the file is missing (an interrupted initdb) */
  readonly postgresVersion: string | null
  readonly bytes: number
}

/** Moves `<dir>/pgdata` to `<dir>/pgdata.pglite-<UTC stamp>`; null when there is none. */
export function moveLegacyStoreAside(dir: string, now: Date = new Date()): MovedLegacyStore | null {
  const from = join(dir, LEGACY_DATA_DIR)
  if (!existsSync(from)) return null
  const postgresVersion = readVersion(from)
  const bytes = directoryBytes(from)
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  let to = join(dir, `${LEGACY_DATA_DIR}.pglite-${stamp}`)
  for (let suffix = 2; existsSync(to); suffix++) to = join(dir, `${LEGACY_DATA_DIR}.pglite-${stamp}-${suffix}`)
  try {
    renameSync(from, to)
  } catch (error) {
    throw new AppError(
      'store_unreachable',
      `found the previous embedded store (PGlite) in ${from} but cannot move it aside to ${to}: ${(error as Error).message}`,
      { cause: error, details: { dir, from, to } },
    )
  }
  return { from, to, postgresVersion, bytes }
}

function readVersion(dataDir: string): string | null {
  try {
    return readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim() || null
  } catch {
    return null
  }
}

function directoryBytes(path: string): number {
  let total = 0
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    try {
      total += statSync(join(entry.parentPath, entry.name)).size
    } catch {
      // vanished meanwhile: not worth failing a start over a size in a message
    }
  }
  return total
}
