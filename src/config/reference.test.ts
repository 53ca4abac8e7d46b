import { describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { configReferenceMarkdown, configReferenceRows, REFERENCE_END, REFERENCE_START } from './reference.ts'

describe('configuration reference', () => {
  it('is the same in README.md as generated from the schema (run bun tests/tools/config-reference.ts --write)', () => {
    const readme = readFileSync(resolve(import.meta.dir, '../../README.md'), 'utf8')
    const block = readme.slice(readme.indexOf(REFERENCE_START), readme.indexOf(REFERENCE_END) + REFERENCE_END.length)
    expect(block).toBe(configReferenceMarkdown())
  })

  it('lists every key with its default, including the optional database section', () => {
    const rows = new Map(configReferenceRows().map((row) => [row[0], row]))
    expect(rows.get('`analysis.decision.gate.min_points`')?.[2]).toBe('`20`')
    expect(rows.get('`analysis.decision.gate.k_sigma`')?.[3]).toMatch(/default [\d.]+ for hold \(bench\), 2 for withdraw/)
    expect(rows.get('`data.databases.greptime.port`')?.[2]).toBe('`4003`')
    expect(rows.get('`analysis.decision.gate.on_trigger`')?.[1]).toBe('`hold` \\| `withdraw`')
    expect(rows.has('`resolved`')).toBe(false)
  })
})
