/**
 * deploy/grafana/alert-orchestrator.json: valid JSON, importable (uid, schema version, unique
 * panel ids inside a 24-column grid, the data source a variable), every query a metric the
 * exporter really registers, and the decision panels mapping -1/0/1 to ERROR/HOLD/WITHDRAW_OK.
 */
import { beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { exportedMetricNames, metricNamesIn, PROMETHEUS_SERIES } from './exported-metrics.ts'

const FILE = join(import.meta.dir, '../../deploy/grafana/alert-orchestrator.json')

interface Panel {
  id: number
  type: string
  title: string
  gridPos: { x: number; y: number; w: number; h: number }
  datasource?: { type: string; uid: string }
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[]
  fieldConfig?: { defaults?: { mappings?: { type: string; options: Record<string, { text: string }> }[] } }
  repeat?: string
}

let dashboard: {
  uid: string
  title: string
  schemaVersion: number
  panels: Panel[]
  templating: { list: { name: string; type: string; query: unknown }[] }
}
let exported: Set<string>

beforeAll(async () => {
  dashboard = JSON.parse(await Bun.file(FILE).text())
  exported = await exportedMetricNames()
})

describe('the Grafana dashboard', () => {
  it('is an importable dashboard with unique panel ids on a 24-column grid', () => {
    expect(dashboard.uid).toBe('alert-orchestrator')
    expect(dashboard.title).toBe('Alert Orchestrator')
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36)
    const ids = dashboard.panels.map((panel) => panel.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24)
      expect(panel.gridPos.w, panel.title).toBeGreaterThan(0)
    }
  })

  it('queries through the data source variable, with the variables it uses defined', () => {
    const variables = new Set(dashboard.templating.list.map((variable) => variable.name))
    expect(variables).toEqual(new Set(['datasource', 'job', 'instance', 'asset', 'window']))
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}')
      expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0)
      const refIds = panel.targets!.map((target) => target.refId)
      expect(new Set(refIds).size, panel.title).toBe(refIds.length)
      for (const target of panel.targets!) {
        for (const used of target.expr.matchAll(/\$(\w+)/g))
          if (!used[1]!.startsWith('__')) expect(variables, `${panel.title}: $${used[1]}`).toContain(used[1]!)
      }
      if (panel.repeat) expect(variables).toContain(panel.repeat)
    }
  })

  it('uses only metrics the exporter registers', () => {
    const used = new Set<string>()
    const queries = [
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr }))),
      ...dashboard.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => ({ where: `$${v.name}`, expr: String((v.query as { query: string }).query).replace(/^label_values\((.*),\s*\w+\)$/, '$1') })),
    ]
    for (const { where, expr } of queries) {
      const names = metricNamesIn(expr)
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0)
      for (const name of names) {
        expect(exported.has(name) || PROMETHEUS_SERIES.has(name), `${where}: ${name} is not exported`).toBe(true)
        used.add(name)
      }
    }
    // the panels the issue asks for
    for (const name of [
      'wo_decision',
      'wo_wmax_usd',
      'wo_g_usd',
      'wo_residual_usd',
      'wo_sigma_usd',
      'wo_k_sigma',
      'wo_price_usd',
      'wo_price_delta_rel',
      'wo_evaluation_duration_seconds_sum',
      'wo_last_eval_timestamp_seconds',
    ])
      expect(used).toContain(name)
  })

  it('shows decisions as ERROR / HOLD / WITHDRAW_OK', () => {
    const decisionPanels = dashboard.panels.filter((panel) => panel.targets?.some((target) => /\bwo_decision\b/.test(target.expr)))
    expect(decisionPanels.map((panel) => panel.type).sort()).toEqual(['stat', 'state-timeline'])
    for (const panel of decisionPanels) {
      const options = panel.fieldConfig?.defaults?.mappings?.find((mapping) => mapping.type === 'value')?.options ?? {}
      expect(Object.fromEntries(Object.entries(options).map(([value, mapping]) => [value, mapping.text]))).toEqual({
        '-1': 'ERROR',
        '0': 'HOLD',
        '1': 'WITHDRAW_OK',
      })
    }
  })
})
