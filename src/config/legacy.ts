/**
 * The seed README's older layout (`client:` / `orchestrator:` blocks) mapped onto the v2 tree
 * (spec-config §3), so configuration files written from the seed's documentation keep working.
 * Each legacy key found produces one deprecation warning naming its v2 replacement; a key with
 * no v2 meaning produces a warning saying it is ignored; a legacy key whose v2 destination is
 * also set is a problem (the file says two things).
 */

export interface LegacyMappingResult {
  tree: Record<string, unknown>
  warnings: string[]
  problems: { path: string; message: string }[]
}

type Rule = { from: string; to: string | null; note?: string }

/**
 * Longest matching `from` prefix wins. `*` matches one path segment (an asset name) and is
 * carried into `to`. `to: null` drops the key with a warning.
 */
const RULES: Rule[] = [
  { from: 'client.greptime.host', to: 'data.databases.greptime.host' },
  { from: 'client.greptime.database', to: 'data.databases.greptime.database' },
  { from: 'client.greptime.timeout', to: 'data.databases.greptime.timeout' },
  {
    from: 'client.greptime.port',
    to: null,
    note: "it was GreptimeDB's HTTP port; set data.databases.greptime.port to its PostgreSQL port (4003)",
  },
  { from: 'client.assets', to: 'domain.assets' },
  { from: 'client.transactions.assets', to: 'domain.assets' },
  { from: 'client.table_asset_prefix', to: 'data.datasets.transactions.sources.liqwid.table_asset_prefix' },
  { from: 'client.deposits_prefix', to: 'data.datasets.transactions.sources.liqwid.deposits_prefix' },
  { from: 'client.withdrawals_prefix', to: 'data.datasets.transactions.sources.liqwid.withdrawals_prefix' },
  { from: 'client.transactions.table_asset_prefix', to: 'data.datasets.transactions.sources.liqwid.table_asset_prefix' },
  { from: 'client.transactions.deposits_prefix', to: 'data.datasets.transactions.sources.liqwid.deposits_prefix' },
  { from: 'client.transactions.withdrawals_prefix', to: 'data.datasets.transactions.sources.liqwid.withdrawals_prefix' },
  { from: 'client.alignment_method', to: 'data.datasets.transactions.alignment_method' },
  { from: 'client.transactions.alignment_method', to: 'data.datasets.transactions.alignment_method' },
  { from: 'client.timestamp_source', to: 'data.datasets.transactions.timestamp_source' },
  { from: 'client.transactions.timestamp_source', to: 'data.datasets.transactions.timestamp_source' },
  { from: 'client.date_range', to: 'data.date_range' },
  { from: 'client.output.smoothing.default.gaussian_std', to: 'analysis.trend_indicator.gaussian_kde_sigma_fraction' },
  { from: 'client.output.smoothing.default', to: 'analysis.trend_indicator' },
  { from: 'client.output.smoothing.gaussian_std', to: 'analysis.trend_indicator.gaussian_kde_sigma_fraction' },
  { from: 'client.output.smoothing.window_type', to: 'analysis.trend_indicator.window_type' },
  { from: 'client.output.smoothing.window_size_hours', to: 'analysis.trend_indicator.window_size_hours' },
  { from: 'client.output.smoothing.polynomial_order', to: 'analysis.trend_indicator.polynomial_order' },
  { from: 'client.output.smoothing.*.gaussian_std', to: 'analysis.trend_indicator.per_asset.*.gaussian_kde_sigma_fraction' },
  { from: 'client.output.smoothing.*', to: 'analysis.trend_indicator.per_asset.*' },
  { from: 'client.output', to: null, note: 'output files are configured under visualization.diagnostics' },
  { from: 'client.logging.level', to: 'runtime.log_level' },
  { from: 'orchestrator.reference_keyword', to: 'analysis.decision.reference.keyword' },
  { from: 'orchestrator.reference_keyword_fallback', to: 'analysis.decision.reference.fallback' },
  { from: 'orchestrator.safety_factor', to: 'analysis.decision.safety_factor' },
  { from: 'orchestrator.timezone', to: 'settings.timezone' },
  { from: 'orchestrator.schedule', to: 'runtime.schedule' },
  { from: 'orchestrator.telemetry.price_source_priority', to: 'prices.priority_by_logical' },
  { from: 'orchestrator.telemetry', to: 'runtime.telemetry' },
  { from: 'orchestrator.decision_price_sources', to: 'prices.sources' },
  { from: 'orchestrator.decision_gate.whitelist', to: 'analysis.decision.gate.assets' },
  { from: 'orchestrator.decision_gate', to: 'analysis.decision.gate' },
  { from: 'orchestrator.diagnostics.only_whitelist_assets', to: null, note: 'diagnostics cover every configured asset' },
  { from: 'orchestrator.diagnostics', to: 'visualization.diagnostics' },
  { from: 'orchestrator.apis', to: 'prices.endpoints' },
  { from: 'orchestrator.transaction_sync.enabled', to: null, note: 'sync runs on POST /api/sync/transactions' },
  { from: 'orchestrator.transaction_sync', to: 'prices.transaction_sync' },
  { from: 'orchestrator.auth', to: 'runtime.auth' },
  { from: 'orchestrator.output_cleanup.expire_before_relative', to: 'maintenance.cleanup.expire_before' },
  { from: 'orchestrator.output_cleanup', to: 'maintenance.cleanup' },
  { from: 'orchestrator.price_compare', to: 'analysis.price_compare' },
  { from: 'orchestrator.trend_indicator', to: 'analysis.trend_indicator' },
]

export const LEGACY_SECTIONS = ['client', 'orchestrator'] as const

export function hasLegacySections(tree: Record<string, unknown>): boolean {
  return LEGACY_SECTIONS.some((key) => key in tree)
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Leaf paths of a tree (arrays are leaves: they map as a whole). */
function leaves(value: unknown, path: string[], out: [string[], unknown][]): void {
  if (isMapping(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...path, key], out)
  } else out.push([path, value])
}

function matchRule(path: string[]): { rule: Rule; consumed: number; wildcard: string | null } | null {
  let best: { rule: Rule; consumed: number; wildcard: string | null } | null = null
  for (const rule of RULES) {
    const parts = rule.from.split('.')
    if (parts.length > path.length) continue
    let wildcard: string | null = null
    const matches = parts.every((part, i) => {
      if (part === '*') {
        wildcard = path[i]!
        return path[i] !== 'default'
      }
      return part === path[i]
    })
    if (matches && (!best || parts.length > best.consumed)) best = { rule, consumed: parts.length, wildcard }
  }
  return best
}

function getPath(tree: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = tree
  for (const key of path) {
    if (!isMapping(node)) return undefined
    node = node[key]
  }
  return node
}

function setPath(tree: Record<string, unknown>, path: string[], value: unknown): void {
  let node = tree
  for (const key of path.slice(0, -1)) {
    if (!isMapping(node[key])) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1]!] = value
}

/** Rewrites `client:` / `orchestrator:` keys into their v2 places; other top-level keys are kept. */
export function mapLegacyLayout(input: Record<string, unknown>): LegacyMappingResult {
  const tree: Record<string, unknown> = structuredClone(
    Object.fromEntries(Object.entries(input).filter(([key]) => !(LEGACY_SECTIONS as readonly string[]).includes(key))),
  )
  const warnings: string[] = []
  const problems: { path: string; message: string }[] = []
  const written = new Map<string, string>()

  for (const section of LEGACY_SECTIONS) {
    if (!(section in input)) continue
    const found: [string[], unknown][] = []
    leaves(input[section], [section], found)
    for (const [path, value] of found) {
      const dotted = path.join('.')
      const match = matchRule(path)
      if (!match) {
        problems.push({ path: dotted, message: 'unknown legacy key (no v2 equivalent)' })
        continue
      }
      if (match.rule.to === null) {
        warnings.push(`${dotted} is ignored: ${match.rule.note ?? 'no longer supported'}`)
        continue
      }
      const target = [...match.rule.to.split('.').map((part) => (part === '*' ? match.wildcard! : part)), ...path.slice(match.consumed)]
      const targetDotted = target.join('.')
      if (getPath(input, target) !== undefined) {
        problems.push({ path: dotted, message: `conflicts with ${targetDotted}, which is also set; keep only the v2 key` })
        continue
      }
      if (written.has(targetDotted)) {
        problems.push({ path: dotted, message: `maps to ${targetDotted}, already set by ${written.get(targetDotted)}` })
        continue
      }
      written.set(targetDotted, dotted)
      const mapped = targetDotted === 'runtime.auth.password_hash' && typeof value === 'string' ? value.replace(/^bcrypt:/, '') : value
      setPath(tree, target, mapped)
      warnings.push(`${dotted} is deprecated (legacy layout): use ${targetDotted}`)
    }
  }
  return { tree, warnings, problems }
}
