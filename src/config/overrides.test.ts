import { describe, expect, it } from 'bun:test'
import { ConfigError, loadConfigText } from './load.ts'
import { overrideConfig } from './overrides.ts'

const BASE = loadConfigText('settings: {timezone: UTC}\nanalysis: {decision: {gate: {k_sigma: 2}}}\n', {}, 'base')

function problemsOf(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`)
    throw error
  }
  return []
}

describe('--set overrides', () => {
  it('overrides a key for the run, read as YAML and validated by the schema', () => {
    const loaded = overrideConfig(
      BASE,
      ['analysis.decision.gate.k_sigma=3', 'analysis.decision.safety_factor.c=0.25', 'domain.assets=[djed, usdm]'],
      {},
    )
    expect(loaded.config.analysis.decision.gate.k_sigma).toBe(3)
    expect(loaded.config.analysis.decision.safety_factor.c).toBe(0.25)
    expect(Object.keys(loaded.config.resolved.assets)).toEqual(['djed', 'usdm'])
    expect(loaded.source).toBe('base with --set')
    expect(BASE.config.analysis.decision.gate.k_sigma).toBe(2)
  })

  it('returns the configuration unchanged without overrides', () => {
    expect(overrideConfig(BASE, [], {})).toBe(BASE)
  })

  it('refuses an unknown key or a bad value with the key’s path', () => {
    expect(problemsOf(() => overrideConfig(BASE, ['analysis.decision.gate.k_sigmaa=3'], {})).join('\n')).toContain('analysis.decision.gate')
    expect(problemsOf(() => overrideConfig(BASE, ['analysis.decision.gate.k_sigma=-1'], {})).join('\n')).toContain('analysis.decision.gate.k_sigma')
  })

  it('refuses text that is not KEY=VALUE, and a key through a value that is not a mapping', () => {
    expect(problemsOf(() => overrideConfig(BASE, ['k_sigma'], {}))).toEqual(['--set: expected KEY=VALUE with a dotted key, got "k_sigma"'])
    expect(problemsOf(() => overrideConfig(BASE, ['a..b=1'], {}))[0]).toStartWith('--set: expected KEY=VALUE')
    expect(problemsOf(() => overrideConfig(BASE, ['settings.timezone.zone=UTC'], {}))).toEqual([
      'settings.timezone: --set settings.timezone.zone: timezone is not a mapping',
    ])
  })
})
