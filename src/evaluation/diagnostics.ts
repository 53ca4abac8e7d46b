/**
 * Diagnostics on disk (`visualization.diagnostics`): after each evaluation, the composite chart
 * of every asset is written as `<asset>_<ref_mode>_<timestamp>_residual_composite.png` into
 * `visualization.diagnostics.dir` — the view of the gate's own series, so the file shows what the
 * decision saw. `maintenance.cleanup` deletes old files. A failure is logged; it never fails the
 * evaluation.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from '../config/resolve.ts'
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import type { ChartCache } from '../views/chart-cache.ts'
import { gateView } from '../views/definitions.ts'
import type { SnapshotKey } from './latest.ts'

/** `2026-11-27T07-45-00Z`: sortable and valid in every file system. */
export function fileTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-')
}

export function diagnosticFileName(asset: string, refMode: string | null, at: number): string {
  return `${asset}_${refMode ?? 'noref'}_${fileTimestamp(at)}_residual_composite.png`
}

/**
 * Writes one PNG per asset of the snapshot about to be published; returns asset → absolute path of
 * what was written. The charts come from the dashboard's cache, so a browser asking for the same
 * view gets them without a render.
 */
export async function writeDiagnostics(config: Config, charts: ChartCache, snapshot: SnapshotKey): Promise<Map<string, string>> {
  const result = snapshot.result
  const written = new Map<string, string>()
  const dir = resolve(config.visualization.diagnostics.dir)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    log.warn('diagnostics directory unusable', { dir, error: describeError(error) })
    return written
  }
  for (const entry of result.assets) {
    const basis = config.resolved.assets[entry.asset]!.settings.gate.basis
    const path = join(dir, diagnosticFileName(entry.asset, entry.decision.refMode, result.at))
    try {
      const { png } = await charts.get(snapshot, entry, gateView(basis))
      await Bun.write(path, png)
      written.set(entry.asset, path)
    } catch (error) {
      log.warn('diagnostic chart not written', { asset: entry.asset, path, error: describeError(error) })
    }
  }
  if (written.size > 0) log.info('diagnostic charts written', { dir, files: written.size })
  return written
}
