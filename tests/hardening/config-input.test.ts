/**
 * Configuration input an attacker or an unlucky operator could hand the service (issue 15):
 * devices, FIFOs, huge files, alias bombs, impossible dates next to other keys, durations that
 * overflow a timer, asset names that are paths. Each must be a config error (exit 2) naming the
 * problem — never a hang, a memory blow-up or `code=internal`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_TIMER_MS } from '../../src/config/fields.ts'
import { ConfigError, loadConfigFile, loadConfigText, MAX_CONFIG_BYTES } from '../../src/config/load.ts'
import { runCli } from '../support/service/cli.ts'

const CHILD_TIMEOUT_MS = 30_000

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ao-config-input-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function problemsOf(load: () => unknown): string[] {
  try {
    load()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`)
    throw error
  }
  throw new Error('expected the configuration to be rejected')
}

const problemsOfText = (yaml: string) => problemsOf(() => loadConfigText(yaml, {}))

function fileWith(name: string, text: string | Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** Nine levels of nine aliases: 9^9 strings once expanded. */
const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(
    'bcdefghi'.split('').map((name, index) => {
      const previous = 'abcdefghi'[index]!
      return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`
    }),
  )
  .join('\n')

describe('the configuration file', () => {
  it('must be a regular file: a device is refused before anything is read', () => {
    expect(problemsOf(() => loadConfigFile('/dev/zero', {}))).toEqual([
      '(file): /dev/zero is not a regular file (a directory, device, FIFO or socket): give the path of a YAML file',
    ])
  })

  it('must be a regular file: a FIFO without a writer is refused instead of blocking the start', () => {
    const fifo = join(dir, 'config.fifo')
    expect(Bun.spawnSync(['mkfifo', fifo]).exitCode).toBe(0)
    expect(problemsOf(() => loadConfigFile(fifo, {}))[0]).toContain('is not a regular file')
  })

  it('must be a regular file: a directory is refused', () => {
    expect(problemsOf(() => loadConfigFile(dir, {}))[0]).toContain('is not a regular file')
  })

  it(`is at most ${MAX_CONFIG_BYTES} bytes`, () => {
    const path = fileWith('huge.yaml', `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`)
    expect(problemsOf(() => loadConfigFile(path, {}))[0]).toContain(`a configuration file is at most ${MAX_CONFIG_BYTES} bytes`)
  })

  it('is UTF-8 text', () => {
    const path = fileWith('latin1.yaml', new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]))
    expect(problemsOf(() => loadConfigFile(path, {}))).toEqual([`(file): ${path} is not UTF-8 text`])
  })
})

describe('the YAML document', () => {
  it('may not expand an alias bomb ("billion laughs")', () => {
    const [problem] = problemsOfText(ALIAS_BOMB)
    expect(problem).toStartWith('(file): too many YAML aliases')
  })

  it('may use a few aliases as YAML allows', () => {
    const loaded = loadConfigText('domain: {assets: &assets [djed, usdm]}\nanalysis: {decision: {gate: {assets: *assets}}}\n', {})
    expect(loaded.config.analysis.decision.gate.assets).toEqual(['djed', 'usdm'])
  })
})

describe('dates and durations', () => {
  it('reports an impossible date in a date range as a problem of its key, also when the end is given', () => {
    expect(problemsOfText('data: {date_range: {start: "2026-02-30", end: "2026-03-05"}}')).toEqual([
      'data.date_range.start: must be an ISO date or date-time (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]) (got: "2026-02-30")',
    ])
  })

  it('reports an unknown time zone next to a date range without failing on the range', () => {
    const problems = problemsOfText('settings: {timezone: Mars/Olympus}\ndata: {date_range: {start: "2026-02-01", end: "2026-03-05"}}')
    expect(problems).toEqual(['settings.timezone: is not a valid IANA time zone (got: "Mars/Olympus")'])
  })

  it.each([
    ['runtime: {schedule: {interval_minutes: 40000}}', 'runtime.schedule.interval_minutes: must be in [0.05,1440] (got: 40000)'],
    ['maintenance: {cleanup: {interval_minutes: 40000}}', 'maintenance.cleanup.interval_minutes: must be in [1,10080] (got: 40000)'],
    ['data: {databases: {greptime: {timeout: 3000000}}}', 'data.databases.greptime.timeout: must be in [1,600] (got: 3000000)'],
    ['collector: {interval_minutes: 40000}', 'collector.interval_minutes: must be in [0.01,1440] (got: 40000)'],
    ['collector: {timeout_seconds: 3000000}', 'collector.timeout_seconds: must be in (0,120] (got: 3000000)'],
    ['data: {databases: {greptime: {timeout: 0.001}}}', 'data.databases.greptime.timeout: must be in [1,600] (got: 0.001)'],
    [
      'analysis: {price_compare: {request_timeout_seconds: 1e9}}',
      'analysis.price_compare.request_timeout_seconds: must be in (0,120] (got: 1000000000)',
    ],
    ['visualization: {dashboard: {refresh_seconds: 99999999}}', 'visualization.dashboard.refresh_seconds: must be in [2,3600] (got: 99999999)'],
    [
      'maintenance: {cleanup: {expire_before: 99999999999d}}',
      'maintenance.cleanup.expire_before: must be an age of at most 87600h (ten years) (got: "99999999999d")',
    ],
    [
      'visualization: {diagnostics: {plot_range: {mode: relative, relative_duration: 99999999999w}}}',
      'visualization.diagnostics.plot_range.relative_duration: must be at most 87600h (ten years) (got: "99999999999w")',
    ],
  ])('bounds %s', (yaml, problem) => {
    expect(problemsOfText(yaml)).toEqual([problem])
  })

  it('keeps every timer the configuration arms within what a JavaScript timer can wait', () => {
    const config = loadConfigText(
      [
        'runtime: {schedule: {interval_minutes: 1440}}',
        'maintenance: {cleanup: {interval_minutes: 10080}}',
        'data: {databases: {greptime: {timeout: 600}}}',
        'analysis: {price_compare: {request_timeout_seconds: 120}}',
        'visualization: {dashboard: {refresh_seconds: 3600}}',
        'collector: {interval_minutes: 1440, timeout_seconds: 120}',
      ].join('\n'),
      {},
    ).config
    const delaysMs = [
      config.runtime.schedule.interval_minutes * 60_000,
      config.maintenance.cleanup.interval_minutes * 60_000,
      config.data.databases.greptime!.timeout * 1000,
      config.analysis.price_compare.request_timeout_seconds * 1000,
      config.visualization.dashboard.refresh_seconds * 1000,
      config.collector.interval_minutes * 60_000,
      config.collector.timeout_seconds * 1000,
    ]
    for (const delay of delaysMs) expect(delay).toBeLessThanOrEqual(MAX_TIMER_MS)
  })
})

describe('asset names', () => {
  it.each([
    ['domain: {assets: ["../../../x"]}', 'domain.assets[0]'],
    ['domain: {assets: ["dj\\ned"]}', 'domain.assets[0]'],
    ['domain: {symbols: {"../../../x": djed}}', 'domain.symbols'],
    ['analysis: {decision: {gate: {assets: ["a/b"]}}}', 'analysis.decision.gate.assets[0]'],
  ])('keep to [a-z0-9_-]: %s', (yaml, path) => {
    const problems = problemsOfText(yaml)
    expect(problems.some((problem) => problem.startsWith(path) && problem.includes('only a-z, 0-9, _ and -'))).toBe(true)
  })
})

describe('the command line on bad configuration input exits 2 with the problem', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', 'is not a regular file'],
    ['an alias bomb', () => fileWith('bomb.yaml', ALIAS_BOMB), 'too many YAML aliases'],
    [
      'an impossible date next to an end',
      () => fileWith('date.yaml', 'data: {date_range: {start: "2026-02-30", end: "2026-03-05"}}\n'),
      'data.date_range.start',
    ],
    ['a 40000-minute schedule', () => fileWith('interval.yaml', 'runtime: {schedule: {interval_minutes: 40000}}\n'), 'must be in [0.05,1440]'],
  ])(
    '%s',
    async (_name, path, fragment) => {
      const run = await runCli(['--print-config-normalized', '--config', path()])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(fragment)
      expect(run.stderr).not.toContain('code=internal')
    },
    CHILD_TIMEOUT_MS,
  )
})
