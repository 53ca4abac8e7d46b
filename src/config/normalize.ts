/**
 * The normalized configuration as printed by `--print-config-normalized` and served by
 * `GET /api/config/normalized`: the whole resolved configuration (every default filled, the
 * per-asset effective values under `resolved.assets`), keys in schema order, secrets replaced by
 * "<redacted>". The output is itself a valid configuration file that normalizes to the same JSON.
 */
import type { LoadedConfig } from './load.ts'
import { REDACTED } from './schema.ts'

function redactPath(tree: unknown, path: string): void {
  const keys = path.match(/[^.[\]]+/g) ?? []
  let node = tree as Record<string, unknown> | undefined
  for (const key of keys.slice(0, -1)) {
    node = node?.[key] as Record<string, unknown> | undefined
    if (typeof node !== 'object' || node === null) return
  }
  const last = keys[keys.length - 1]!
  if (node && node[last] !== null && node[last] !== undefined) node[last] = REDACTED
}

export function normalizedConfig(loaded: LoadedConfig): Record<string, unknown> {
  const copy = structuredClone(loaded.config) as unknown as Record<string, unknown>
  for (const path of loaded.secretPaths) redactPath(copy, path)
  const { resolved, ...rest } = copy
  return { ...rest, resolved }
}

export function normalizedConfigJson(loaded: LoadedConfig): string {
  return JSON.stringify(normalizedConfig(loaded), (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)
}
