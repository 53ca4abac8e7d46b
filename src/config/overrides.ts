/**
 * `--set KEY=VALUE` (replay): a configuration key overridden for one run, validated by the same
 * schema as the file — an unknown key or a bad value is a configuration error with its path. The
 * value is read as YAML, so `3`, `true`, `null`, `[djed, usdm]` and `{k_sigma: 3}` mean what they
 * would in the file.
 */
import type { ConfigProblem, Environment } from './env.ts'
import { ConfigError, type LoadedConfig, loadConfigTree, parseYaml } from './load.ts'

type Tree = Record<string, unknown>

const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value)

export function overrideConfig(loaded: LoadedConfig, sets: readonly string[], env: Environment): LoadedConfig {
  if (sets.length === 0) return loaded
  const source = `${loaded.source} with --set`
  const tree = structuredClone(loaded.tree)
  const problems: ConfigProblem[] = []
  for (const set of sets) {
    const problem = applySet(tree, set, source)
    if (problem !== null) problems.push(problem)
  }
  if (problems.length > 0) throw new ConfigError(source, problems)
  return loadConfigTree(tree, env, source)
}

function applySet(tree: Tree, set: string, source: string): ConfigProblem | null {
  const equals = set.indexOf('=')
  const key = equals < 0 ? '' : set.slice(0, equals).trim()
  const path = key.split('.')
  if (equals < 0 || path.some((part) => part === ''))
    return { path: '--set', message: `expected KEY=VALUE with a dotted key, got ${JSON.stringify(set)}` }
  const value = parseYaml(set.slice(equals + 1), source)
  let node = tree
  for (const [depth, part] of path.slice(0, -1).entries()) {
    const next = node[part]
    if (next === undefined || next === null) node[part] = {}
    else if (!isTree(next)) return { path: path.slice(0, depth + 1).join('.'), message: `--set ${key}: ${part} is not a mapping` }
    node = node[part] as Tree
  }
  node[path.at(-1)!] = value
  return null
}
