import { afterEach, describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfigTree } from './config/load.ts'
import { cleanupCutoff, cleanupOnce, pruneHistory } from './housekeeping.ts'
import { captureLogs } from './log.ts'

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0)
const DAY = 86_400_000
let root: string

function file(path: string, ageDays: number): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, 'x')
  const when = new Date(NOW - ageDays * DAY)
  utimesSync(path, when, when)
  return path
}

function configFor(paths: string[], expireBefore: string, extensions = ['.png', 'csv']) {
  return loadConfigTree(
    { settings: { timezone: 'UTC' }, maintenance: { cleanup: { enabled: true, expire_before: expireBefore, paths, extensions } } },
    {},
    'cleanup test',
  ).config
}

afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('cleanup of expired output files', () => {
  it('deletes only old files with a listed extension inside the configured paths', () => {
    root = mkdtempSync(join(tmpdir(), 'ao-cleanup-'))
    const plots = join(root, 'plots')
    const oldPng = file(join(plots, 'djed_keyword_old.png'), 10)
    const nestedOldCsv = file(join(plots, 'debug', 'dump.csv'), 10)
    const newPng = file(join(plots, 'djed_keyword_new.png'), 1)
    const oldText = file(join(plots, 'notes.txt'), 10)
    const outside = file(join(root, 'elsewhere', 'precious.png'), 30)
    const report = cleanupOnce(configFor([plots], '7d'), NOW)
    expect(report.deleted.sort()).toEqual([oldPng, nestedOldCsv].sort())
    expect(existsSync(newPng) && existsSync(oldText) && existsSync(outside)).toBe(true)
    expect(report.errors).toEqual([])
  })

  it('never follows a symbolic link out of the configured path', () => {
    root = mkdtempSync(join(tmpdir(), 'ao-cleanup-'))
    const plots = join(root, 'plots')
    mkdirSync(plots, { recursive: true })
    const outsideDir = join(root, 'secrets')
    const outsideFile = file(join(outsideDir, 'old.png'), 30)
    symlinkSync(outsideDir, join(plots, 'linked-dir'))
    symlinkSync(outsideFile, join(plots, 'linked.png'))
    const report = cleanupOnce(configFor([plots], '1d'), NOW)
    expect(report.deleted).toEqual([])
    expect(existsSync(outsideFile)).toBe(true)
  })

  it('accepts an absolute date as the cutoff, and a relative age', () => {
    const expiry = (expireBefore: string, timezone = 'UTC') =>
      loadConfigTree({ settings: { timezone }, maintenance: { cleanup: { expire_before: expireBefore } } }, {}, 'cutoff').config.resolved
        .cleanup_expiry
    expect(cleanupCutoff(expiry('2026-11-20'), NOW)).toBe(Date.UTC(2026, 10, 20))
    expect(cleanupCutoff(expiry('2026-11-20', 'Asia/Tokyo'), NOW)).toBe(Date.UTC(2026, 10, 19, 15))
    expect(cleanupCutoff(expiry('48h'), NOW)).toBe(NOW - 2 * DAY)
    expect(cleanupCutoff(null, NOW)).toBe(NOW)
    root = mkdtempSync(join(tmpdir(), 'ao-cleanup-'))
    const before = file(join(root, 'a.png'), 8)
    const after = file(join(root, 'b.png'), 6)
    expect(cleanupOnce(configFor([root], '2026-11-20'), NOW).deleted).toEqual([before])
    expect(existsSync(after)).toBe(true)
  })

  it('ignores a configured path that does not exist yet', () => {
    root = mkdtempSync(join(tmpdir(), 'ao-cleanup-'))
    expect(cleanupOnce(configFor([join(root, 'missing')], '7d'), NOW)).toMatchObject({ deleted: [], errors: [] })
  })
})

describe('decision history retention', () => {
  it('deletes the rows older than history.retention_days, and a failing prune is only logged', async () => {
    const logs: string[] = []
    const restore = captureLogs((line) => logs.push(line))
    const config = loadConfigTree({ history: { retention_days: 2 } }, {}, '(test)').config
    const now = Date.UTC(2026, 10, 27, 12)
    const cutoffs: number[] = []
    await pruneHistory(config, { prune: async (before) => void cutoffs.push(before) }, now)
    expect(cutoffs).toEqual([now - 2 * 86_400_000])
    await pruneHistory(config, { prune: async () => Promise.reject(new Error('store down')) }, now)
    restore()
    expect(logs.at(-1)).toContain('decision history could not be pruned')
  })
})
