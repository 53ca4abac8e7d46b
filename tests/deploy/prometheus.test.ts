/**
 * deploy/prometheus/: the rules use only metrics the exporter registers (always checked), and —
 * with promtool installed (Debian `prometheus`; `make test-binary` installs it) — the rules and
 * the configuration example pass `promtool check`, and the rules pass their unit tests with
 * synthetic series (tests/deploy/alert-orchestrator.rules.test.yml).
 */
import { describe, expect, it } from 'bun:test'
import { join, resolve } from 'node:path'
import YAML from 'yaml'
import { exportedMetricNames, metricNamesIn, PROMETHEUS_SERIES } from './exported-metrics.ts'

const ROOT = resolve(import.meta.dir, '../..')
const RULES = join(ROOT, 'deploy/prometheus/alert-orchestrator.rules.yml')
const CONFIG = join(ROOT, 'deploy/prometheus/prometheus.yml')
const RULE_TESTS = join(import.meta.dir, 'alert-orchestrator.rules.test.yml')
const PROMTOOL = process.env.PROMTOOL ?? Bun.which('promtool')
if (!PROMTOOL) console.warn('promtool checks skipped: promtool not installed (apt-get install prometheus; make test-binary installs it)')

async function promtool(...args: string[]) {
  const child = Bun.spawn([PROMTOOL!, ...args], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, output: stdout + stderr }
}

describe('the alert rules', () => {
  it("use only metrics the exporter registers, and cover the issue's cases", async () => {
    const exported = await exportedMetricNames()
    const rules = (YAML.parse(await Bun.file(RULES).text()) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap(
      (g) => g.rules,
    )
    for (const rule of rules)
      for (const name of metricNamesIn(rule.expr)) expect(exported.has(name) || PROMETHEUS_SERIES.has(name), `${rule.alert}: ${name}`).toBe(true)
    const exprOf = (alert: string) => rules.find((rule) => rule.alert === alert)?.expr ?? ''
    expect(exprOf('AlertOrchestratorWithdrawOk')).toMatch(/changes\(/)
    expect(exprOf('AlertOrchestratorEvaluationFailing')).toContain('wo_last_eval_success == 0')
    expect(exprOf('AlertOrchestratorAssetError')).toContain('wo_decision == -1')
    expect(exprOf('AlertOrchestratorStale')).toContain('wo_last_eval_timestamp_seconds')
    expect(exprOf('AlertOrchestratorPriceMismatch')).toContain('wo_price_mismatch == 1')
    expect(exprOf('AlertOrchestratorDown')).toMatch(/^up\{.*\} == 0$/)
  })
})

describe.skipIf(!PROMTOOL)('promtool', () => {
  it('accepts the rules and the configuration example', async () => {
    const rules = await promtool('check', 'rules', RULES)
    expect(rules.output).toContain('SUCCESS')
    expect(rules.code).toBe(0)
    const config = await promtool('check', 'config', CONFIG)
    expect(config.code, config.output).toBe(0)
  })

  it("passes the rules' unit tests on synthetic series", async () => {
    const result = await promtool('test', 'rules', RULE_TESTS)
    expect(result.code, result.output).toBe(0)
    expect(result.output).toContain('SUCCESS')
  })
})
