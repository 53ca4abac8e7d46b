/**
 * Deletes expired output files (`maintenance.cleanup`): at start and then every
 * `interval_minutes`. A file is deleted only if it lies inside one of the configured paths
 * (symbolic links are never followed, so nothing outside can be reached), its extension is
 * listed, and it was last modified before the cutoff — `expire_before` as an age (`7d`, `48h`)
 * or an absolute date (read in `settings.timezone` when it has no offset), resolved once at load.
 */
import { lstatSync, readdirSync, realpathSync, unlinkSync, type Stats } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import type { Config, ResolvedExpiry } from './config/resolve.ts'
import { describeError } from './errors.ts'
import { log } from './log.ts'

export interface CleanupReport {
  readonly cutoff: number
  readonly deleted: string[]
  readonly errors: string[]
}

/** The instant before which files expire, for a run at `now` (resolved once in config/resolve.ts). */
export function cleanupCutoff(expiry: ResolvedExpiry | null, now: number): number {
  if (expiry === null) return now
  return expiry.kind === 'age' ? now - expiry.age_ms : expiry.before
}

export function cleanupOnce(config: Config, now: number): CleanupReport {
  const cleanup = config.maintenance.cleanup
  const cutoff = cleanupCutoff(config.resolved.cleanup_expiry, now)
  const extensions = new Set(cleanup.extensions)
  const deleted: string[] = []
  const errors: string[] = []

  const visit = (path: string, root: string) => {
    let stats: Stats
    try {
      stats = lstatSync(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') errors.push(`${path}: ${describeError(error)}`)
      return
    }
    if (stats.isSymbolicLink()) return
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name), root)
      return
    }
    if (!stats.isFile() || !extensions.has(extname(path).toLowerCase()) || stats.mtimeMs >= cutoff) return
    const real = realpathSync(path)
    if (real !== root && !real.startsWith(root + sep)) return
    try {
      unlinkSync(path)
      deleted.push(path)
    } catch (error) {
      errors.push(`${path}: ${describeError(error)}`)
    }
  }

  for (const configured of cleanup.paths) {
    const absolute = resolve(configured)
    let root: string
    try {
      root = realpathSync(absolute)
    } catch {
      continue // nothing there yet
    }
    visit(absolute, root)
  }
  return { cutoff, deleted, errors }
}

/** The store-side part of the cleanup: decision history rows older than `history.retention_days`. */
export interface PrunableHistory {
  prune(before: number): Promise<void>
}

export async function pruneHistory(config: Config, history: PrunableHistory, now: number): Promise<void> {
  const before = now - config.history.retention_days * 86_400_000
  try {
    await history.prune(before)
    log.info('decision history pruned', { older_than: new Date(before).toISOString() })
  } catch (error) {
    log.warn('decision history could not be pruned', { error: describeError(error) })
  }
}

/**
 * Runs at start and every `maintenance.cleanup.interval_minutes`: the file cleanup when enabled,
 * and the decision history's retention whenever there is a history.
 */
export function startHousekeeping(config: Config, history: PrunableHistory | null = null): { stop(): void } {
  const cleanup = config.maintenance.cleanup
  if (!cleanup.enabled && history === null) return { stop() {} }
  const run = () => {
    if (history) void pruneHistory(config, history, Date.now())
    if (!cleanup.enabled) return
    const report = cleanupOnce(config, Date.now())
    for (const error of report.errors) log.warn('cleanup could not delete a file', { error })
    log.info('cleanup finished', { deleted: report.deleted.length, older_than: new Date(report.cutoff).toISOString() })
  }
  run()
  const timer = setInterval(run, cleanup.interval_minutes * 60_000)
  return { stop: () => clearInterval(timer) }
}
