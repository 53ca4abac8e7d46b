/**
 * Loading a configuration: file → YAML → legacy layout mapped → `${VAR}` expanded → strict
 * schema → resolved and frozen. Every problem found along the way is collected and reported at
 * once, each with the path of the key and the offending value; warnings (deprecated keys, keys
 * with no effect) are returned for the caller to log once. Never touches the network.
 */
import { existsSync, readFileSync } from 'node:fs'
import YAML from 'yaml'
import type { z } from 'zod'
import { AppError } from '../errors.ts'
import { expandEnvironment, formatPath, missingNamedVariables, type ConfigProblem, type Environment } from './env.ts'
import { hasLegacySections, mapLegacyLayout } from './legacy.ts'
import { resolveConfig, type Config } from './resolve.ts'
import { configSchema } from './schema.ts'

export interface LoadedConfig {
  config: Config
  warnings: string[]
  /** dotted paths whose printed value must be redacted */
  secretPaths: string[]
  /** where the configuration came from (a file path, or a label for in-memory text) */
  source: string
  /** the tree as validated, before `${VAR}` expansion (legacy layout already mapped): what overrides edit */
  tree: Record<string, unknown>
}

export class ConfigError extends AppError {
  readonly problems: ConfigProblem[]
  constructor(source: string, problems: ConfigProblem[]) {
    const lines = problems.map((problem) => `  • ${problem.path}: ${problem.message}`)
    super('config_invalid', `configuration invalid (${source}):\n${lines.join('\n')}`, { details: { problems } })
    this.problems = problems
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let node = tree
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<PropertyKey, unknown>)[key]
  }
  return node
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `${typeof value} ${describeValue(value)}`
}

/** zod issues → problems phrased for someone editing YAML. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const issue of issues) {
    const value = valueAt(input, issue.path)
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: formatPath([...issue.path, key]), message: 'unknown key' })
      continue
    }
    if (issue.code === 'invalid_type') {
      const expected = issue.expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`
      problems.push({ path: formatPath(issue.path), message: `expected ${expected}, got ${typeName(value)}` })
      continue
    }
    if (issue.code === 'invalid_union') {
      problems.push({ path: formatPath(issue.path), message: `has an unsupported form: ${describeValue(value)}` })
      continue
    }
    const showValue = value !== undefined && !issue.message.includes('got:') && (typeof value !== 'object' || value === null)
    const got = showValue ? ` (got: ${describeValue(value)})` : ''
    problems.push({ path: formatPath(issue.path), message: `${issue.message}${got}` })
  }
  return problems
}

export function parseYaml(text: string, source: string): unknown {
  let document: YAML.Document.Parsed
  try {
    document = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  } catch (error) {
    throw new ConfigError(source, [{ path: '(file)', message: `not valid YAML: ${String(error)}` }])
  }
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({
      path: error.linePos ? `line ${error.linePos[0].line}` : '(file)',
      message: `not valid YAML: ${error.message.split('\n')[0]}`,
    }))
    throw new ConfigError(source, problems)
  }
  return document.toJS({ maxAliasCount: 100 })
}

/** Validates an already-parsed configuration tree (from YAML or JSON). */
export function loadConfigTree(tree: unknown, env: Environment, source: string): LoadedConfig {
  if (tree === null || tree === undefined) tree = {}
  if (typeof tree !== 'object' || Array.isArray(tree))
    throw new ConfigError(source, [{ path: '(top level)', message: `must be a mapping of sections, got ${typeName(tree)}` }])

  const problems: ConfigProblem[] = []
  const warnings: string[] = []
  let mapped = tree as Record<string, unknown>
  if (hasLegacySections(mapped)) {
    const legacy = mapLegacyLayout(mapped)
    mapped = legacy.tree
    warnings.push(...legacy.warnings)
    problems.push(...legacy.problems)
  }
  const expanded = expandEnvironment(mapped, env)
  problems.push(...expanded.problems, ...missingNamedVariables(expanded.tree, env))

  const parsed = configSchema.safeParse(expanded.tree)
  if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, expanded.tree))
  if (!parsed.success || problems.length > 0) throw new ConfigError(source, problems)

  const resolved = resolveConfig(parsed.data, env)
  if (resolved.problems.length > 0) throw new ConfigError(source, resolved.problems)
  warnings.push(...resolved.warnings)
  return { config: deepFreeze(resolved.config), warnings, secretPaths: resolved.secretPaths, source, tree: mapped }
}

export function loadConfigText(text: string, env: Environment, source = '(text)'): LoadedConfig {
  return loadConfigTree(parseYaml(text, source), env, source)
}

export function loadConfigFile(path: string, env: Environment): LoadedConfig {
  if (!existsSync(path)) throw new ConfigError(path, [{ path: '(file)', message: `configuration file not found: ${path}` }])
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(path, [{ path: '(file)', message: `cannot read ${path}: ${String(error)}` }])
  }
  return loadConfigText(text, env, path)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
