/**
 * The metric names the exporter really registers, read by running it: every `expose` toggle on,
 * `createMetrics` (src/web/metrics.ts) builds its registry, and the `# TYPE` lines of its
 * exposition name each family. Histograms add their `_bucket`, `_sum` and `_count` series.
 * Also: the metric names a PromQL expression uses.
 */
import { loadConfigText } from '../../src/config/load.ts'
import { createMetrics } from '../../src/web/metrics.ts'

/** Series Prometheus itself adds for every target. */
export const PROMETHEUS_SERIES = new Set(['up'])

export async function exportedMetricNames(): Promise<Set<string>> {
  const defaults = loadConfigText('{}', {}, 'defaults').config
  const everything = Object.fromEntries(Object.keys(defaults.runtime.telemetry.expose).map((key) => [key, true]))
  const config = loadConfigText(JSON.stringify({ runtime: { telemetry: { expose: everything } } }), {}, 'every metric exposed').config
  const metrics = await createMetrics(config, { version: 'test', commit: 'test' })
  const names = new Set<string>()
  for (const match of metrics.text().matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string]
    names.add(name)
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix)
  }
  return names
}

/**
 * Metric names in a PromQL expression: identifiers directly followed by `{`, `[`, or standing
 * alone as a vector selector, minus functions, keywords and the labels of by/without/on/ignoring
 * clauses. Good enough for our files, which always put a selector on every metric.
 */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')
  const withoutClauses = withoutStrings.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const withoutMatchers = withoutClauses.replace(/\{[^}]*\}/g, '{}')
  const names = new Set<string>()
  for (const match of withoutMatchers.matchAll(/(?<![\w:$.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0]
    const rest = withoutMatchers.slice(match.index! + token.length)
    if (/^\s*\(/.test(rest) || KEYWORDS.has(token)) continue // a function call, or a keyword
    names.add(token)
  }
  return [...names]
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'Inf',
  'NaN',
])
