/**
 * One serving process per embedded-store directory. SQLite keeps the file consistent under any
 * number of processes, but two servers on one directory would both append the demo feed and both
 * sync into it, so a server holds a lock file created atomically (`wx`) that names its pid.
 * A lock whose pid is dead (a crash, a kill -9) is stale and taken over.
 */

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../errors.ts'

export const LOCK_FILE = 'store.lock'
/** A lock file younger than this with no pid yet is being written by its creator, not stale. */
const FRESH_LOCK_MS = 5_000

export interface DirectoryLock {
  readonly path: string
  release(): void
}

export function lockDirectory(dir: string): DirectoryLock {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, LOCK_FILE)
  // Second pass only after a stale lock was moved away.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path)) return { path, release: () => release(path) }
    const holder = readHolder(path)
    if (holder === 'fresh' || (holder !== null && isAlive(holder))) throw locked(dir, holder)
    takeOverStale(dir, path, holder)
  }
  throw locked(dir, readHolder(path))
}

function tryCreate(path: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new AppError('store_unreachable', `cannot create the lock file ${path}: ${(error as Error).message}`, { cause: error })
  }
  try {
    writeSync(fd, `${JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() })}\n`)
  } finally {
    closeSync(fd)
  }
  return true
}

/** The holder's pid; 'fresh' while its creator is still writing it; null when unreadable. */
function readHolder(path: string): number | 'fresh' | null {
  try {
    const pid = (JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid
    if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0) return pid
  } catch {
    // empty or half-written: decide by age below
  }
  try {
    return Date.now() - statSync(path).mtimeMs < FRESH_LOCK_MS ? 'fresh' : null
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Moves the stale lock aside; if another process replaced it meanwhile, puts it back and refuses. */
function takeOverStale(dir: string, path: string, stalePid: number | null): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`
  try {
    renameSync(path, aside)
  } catch {
    return // someone else moved it first: the next creation attempt decides
  }
  const moved = readHolder(aside)
  if (moved !== stalePid && moved !== null) {
    renameSync(aside, path)
    throw locked(dir, moved)
  }
  unlinkSync(aside)
}

function release(path: string): void {
  try {
    if (readHolder(path) === process.pid) unlinkSync(path)
  } catch {
    // already gone
  }
}

function locked(dir: string, holder: number | 'fresh' | null): AppError {
  const who = typeof holder === 'number' ? `process ${holder}` : 'another process'
  return new AppError('store_locked', `the embedded store directory ${dir} is in use by ${who} (lock file ${join(dir, LOCK_FILE)})`, {
    details: { dir, pid: typeof holder === 'number' ? holder : null },
  })
}
