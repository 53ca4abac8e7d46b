/**
 * Environment access for the configuration, in one place: `${VAR}` expansion inside string
 * values (`$$` is a literal `$`), and the `*_env` keys that name a variable holding a secret or
 * a wallet address. The environment is passed in explicitly (tests give their own), and a missing
 * variable is a problem naming both the variable and the key that asked for it.
 */

export type Environment = Readonly<Record<string, string | undefined>>

export interface ConfigProblem {
  path: string
  message: string
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([^}]*)\}?/g

/** Dotted path with array indices in brackets: `wallets[1].address_env`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let text = ''
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`
    else text += text === '' ? String(part) : `.${String(part)}`
  }
  return text || '(top level)'
}

export interface ExpansionResult {
  tree: unknown
  problems: ConfigProblem[]
  /** paths whose value came (at least partly) from the environment */
  expandedPaths: Set<string>
}

export function expandEnvironment(tree: unknown, env: Environment): ExpansionResult {
  const problems: ConfigProblem[] = []
  const expandedPaths = new Set<string>()

  const expandString = (text: string, path: (string | number)[]): string =>
    text.replace(REFERENCE, (whole, name: string | undefined, malformed: string | undefined) => {
      if (whole === '$$') return '$'
      if (name === undefined) {
        problems.push({ path: formatPath(path), message: `malformed variable reference '${whole}' (use \${NAME} or $$ for a literal $)` })
        return whole
      }
      void malformed
      const value = env[name]
      if (value === undefined) {
        problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` })
        return whole
      }
      expandedPaths.add(formatPath(path))
      return value
    })

  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return node.includes('$') ? expandString(node, path) : node
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]))
    if (typeof node === 'object' && node !== null)
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value, [...path, key])]))
    return node
  }
  return { tree: walk(tree, []), problems, expandedPaths }
}

/** Reads a variable named by a `*_env` key; blank counts as missing. */
export function readNamedVariable(env: Environment, name: string, path: string): { value: string } | ConfigProblem {
  const value = env[name]?.trim()
  if (!value) return { path, message: `environment variable ${name} is not set` }
  return { value }
}

/**
 * Every `*_env` key of the tree whose variable is missing, found before schema validation so a
 * missing variable is reported together with every other problem.
 */
export function missingNamedVariables(tree: unknown, env: Environment): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, [...path, index])
      return
    }
    if (typeof node !== 'object' || node === null) return
    for (const [key, value] of Object.entries(node)) {
      const childPath = [...path, key]
      // Auth variables are checked when auth is resolved: missing ones lock the routes, not the service.
      const isAuthKey = path.join('.') === 'runtime.auth'
      if (key.endsWith('_env') && typeof value === 'string' && value.trim() !== '' && !isAuthKey) {
        const read = readNamedVariable(env, value.trim(), formatPath(childPath))
        if ('message' in read) problems.push(read)
      } else walk(value, childPath)
    }
  }
  walk(tree, [])
  return problems
}
