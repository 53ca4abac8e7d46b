/**
 * Configuration fixtures for service tests: a small base tree (one asset, no live price APIs, a
 * loopback listener) that each test adjusts with `withConfig`, loaded exactly as main.ts loads a
 * file (`loadConfigTree`), or written to disk for a subprocess. JSON is YAML, so files are JSON.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfigTree, type LoadedConfig } from '../../../src/config/load.ts'

export type ConfigTree = { [key: string]: unknown }

const isTree = (value: unknown): value is ConfigTree => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Deep merge: mappings merge, everything else (lists, null, scalars) replaces. */
export function withConfig(base: ConfigTree, ...overrides: ConfigTree[]): ConfigTree {
  const result: ConfigTree = structuredClone(base)
  for (const override of overrides)
    for (const [key, value] of Object.entries(override))
      result[key] = isTree(value) && isTree(result[key]) ? withConfig(result[key] as ConfigTree, value) : structuredClone(value)
  return result
}

export const REFERENCE_KEYWORD = 'alert_driven'

/**
 * One asset (djed), the store given by `data`, no live price API (nothing leaves the machine),
 * a loopback listener, auth off, gate and price compare off.
 */
export function baseConfig(data: ConfigTree): ConfigTree {
  return {
    settings: { timezone: 'UTC' },
    domain: { assets: ['djed'] },
    data,
    prices: {
      priority_by_logical: { liqwid: ['greptime(liqwid)'], minswap: ['greptime(minswap)'] },
      endpoints: { liqwid_graphql: null, minswap_aggregator: null },
    },
    analysis: { decision: { reference: { keyword: REFERENCE_KEYWORD }, safety_factor: { c: 0.5 } } },
    runtime: { telemetry: { listen_address: '127.0.0.1', listen_port: 9808 } },
  }
}

export function loadTestConfig(tree: ConfigTree, env: Record<string, string> = {}): LoadedConfig {
  return loadConfigTree(tree, env, '(test config)')
}

/** Writes the tree as a config file in `dir` and returns its path. */
export function writeConfigFile(dir: string, tree: ConfigTree, name = 'config.yaml'): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(tree, null, 2))
  return path
}
