/**
 * Fuzzing the configuration loader (issue 15), seeded so that a failure reproduces: random YAML
 * documents, byte- and line-level mutations of the shipped configuration, and random values put
 * at random keys of its tree. Every input must either load or be a ConfigError (exit 2) — no
 * other exception, no hang — and a sample goes through the real command line, whose exit code
 * must be 0 or 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import YAML from 'yaml'
import { ConfigError, loadConfigFile, loadConfigText } from '../../src/config/load.ts'
import { randomInt, seededRandom } from '../../src/engine/test-fixtures.ts'
import { ROOT, runCli } from '../support/service/cli.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 1515)
const CASES_PER_KIND = 1000
const CLI_SAMPLES = 12
/** Seconds on a quiet machine; a loaded one (several test runs on two cores) needs far more. */
const FUZZ_TIMEOUT_MS = 60_000
const SHIPPED = readFileSync(join(ROOT, 'config/orchestrator_config.yaml'), 'utf8')
const SHIPPED_TREE = YAML.parse(SHIPPED) as Record<string, unknown>

type Random = () => number
const pick = <T>(random: Random, list: readonly T[]): T => list[randomInt(random, 0, list.length - 1)]!

const SCALARS = [
  '0',
  '-1',
  '1e309',
  '-0',
  '.nan',
  '.inf',
  '40000',
  '3000000',
  '0.0001',
  'null',
  '~',
  'true',
  'no',
  '""',
  "'2026-02-30'",
  '2026-02-29T25:00',
  '"../../../x"',
  '"dj\\ned"',
  '"${NOPE}"',
  '"$${X}"',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{a: {b: {c: 1}}}',
  '*undefined_alias',
  '!!binary aGVsbG8=',
  '!!set {a, b}',
  '"\\u0000"',
  '"é☃𝄞"',
  "'x'",
  '7d',
  '99999999999w',
  'addr1qxyz',
  'sha256:00',
]
const TOKENS = [
  ...SCALARS,
  ':',
  '- ',
  '&a ',
  '*a',
  '<<: ',
  '? ',
  '|',
  '>',
  '#',
  '\n',
  '  ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\t',
]

function randomDocument(random: Random): string {
  const parts: string[] = []
  const length = randomInt(random, 0, 40)
  for (let index = 0; index < length; index++)
    parts.push(random() < 0.3 ? `${pick(random, ['a', 'runtime', 'data', 'domain', 'wallets'])}` : pick(random, TOKENS))
  return parts.join(random() < 0.5 ? '' : ' ')
}

function mutateText(random: Random, text: string): string {
  const lines = text.split('\n')
  const edits = randomInt(random, 1, 4)
  for (let edit = 0; edit < edits; edit++) {
    const at = randomInt(random, 0, lines.length - 1)
    const line = lines[at]!
    switch (randomInt(random, 0, 5)) {
      case 0:
        lines.splice(at, 1)
        break
      case 1:
        lines.splice(at, 0, line)
        break
      case 2:
        lines[at] = line.replace(/:\s*\S.*$/, `: ${pick(random, SCALARS)}`)
        break
      case 3: {
        const column = randomInt(random, 0, line.length)
        lines[at] = line.slice(0, column) + pick(random, TOKENS) + line.slice(column + 1)
        break
      }
      case 4:
        lines[at] = ' '.repeat(randomInt(random, 0, 6)) + line.trimStart()
        break
      default:
        lines[at] = line.slice(0, randomInt(random, 0, line.length))
    }
  }
  return lines.join('\n')
}

/** Every key path of a tree. */
function paths(tree: unknown, prefix: string[] = []): string[][] {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) return [prefix]
  return [prefix, ...Object.entries(tree).flatMap(([key, value]) => paths(value, [...prefix, key]))]
}
const SHIPPED_PATHS = paths(SHIPPED_TREE).filter((path) => path.length > 0)

const VALUES: unknown[] = [
  0,
  -1,
  1e308,
  -1e308,
  0.5,
  40_000,
  3_000_000,
  null,
  true,
  'yes',
  '',
  ' ',
  '2026-02-30',
  '../../../x',
  'a\nb',
  [],
  {},
  [null],
  { x: 1 },
  'x'.repeat(5000),
]

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function mutateTree(random: Random): string {
  const tree = structuredClone(SHIPPED_TREE)
  const edits = randomInt(random, 1, 3)
  for (let edit = 0; edit < edits; edit++) {
    const path = pick(random, SHIPPED_PATHS)
    let node: unknown = tree
    for (const key of path.slice(0, -1)) node = isMapping(node) ? node[key] : undefined
    if (!isMapping(node)) continue // an earlier edit replaced a section on the way
    const last = path.at(-1)!
    if (random() < 0.15) delete node[last]
    else node[random() < 0.1 ? `${last}_typo` : last] = structuredClone(pick(random, VALUES))
  }
  return JSON.stringify(tree)
}

/** 'loaded', 'config error', or what else escaped the loader. */
function outcomeOf(load: () => unknown): string {
  try {
    load()
    return 'loaded'
  } catch (error) {
    if (error instanceof ConfigError && error.problems.length > 0) return 'config error'
    return `${(error as Error)?.name}: ${(error as Error)?.message ?? String(error)}`
  }
}

const EXPECTED = new Set(['loaded', 'config error'])

const GENERATORS: [string, (random: Random) => string][] = [
  ['random YAML documents', randomDocument],
  ['mutations of the shipped file', (random) => mutateText(random, SHIPPED)],
  ['random values at random keys', mutateTree],
]

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ao-fuzz-config-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe(`configuration fuzzing (seed ${SEED})`, () => {
  for (const [index, [kind, generate]] of GENERATORS.entries()) {
    it(
      `${CASES_PER_KIND} ${kind}: each loads or is a config error`,
      () => {
        const random = seededRandom(SEED + index)
        const failures: string[] = []
        const counts = new Map<string, number>()
        for (let run = 0; run < CASES_PER_KIND; run++) {
          const text = generate(random)
          const outcome = outcomeOf(() => loadConfigText(text, {}))
          counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
          if (!EXPECTED.has(outcome)) failures.push(`${outcome}\n--- input ---\n${text.slice(0, 400)}`)
        }
        expect(failures.slice(0, 3)).toEqual([])
        expect(counts.get('config error') ?? 0).toBeGreaterThan(0)
      },
      FUZZ_TIMEOUT_MS,
    )
  }

  it(
    'bytes that are not UTF-8 or YAML, read from files, are config errors',
    () => {
      const random = seededRandom(SEED + 99)
      const failures: string[] = []
      for (let run = 0; run < 300; run++) {
        const bytes = new Uint8Array(randomInt(random, 0, 200)).map(() => randomInt(random, 0, 255))
        const path = join(dir, `bytes-${run}.yaml`)
        writeFileSync(path, bytes)
        const outcome = outcomeOf(() => loadConfigFile(path, {}))
        if (!EXPECTED.has(outcome)) failures.push(`${outcome} (${path})`)
      }
      expect(failures.slice(0, 3)).toEqual([])
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `the command line exits 0 or 2 on ${CLI_SAMPLES} fuzzed files`,
    async () => {
      const random = seededRandom(SEED + 7)
      const files = Array.from({ length: CLI_SAMPLES }, (_, index) => {
        const path = join(dir, `cli-${index}.yaml`)
        writeFileSync(path, pick(random, GENERATORS)[1](random))
        return path
      })
      const runs = await Promise.all(files.map((path) => runCli(['--print-config-normalized', '--config', path])))
      for (const [index, run] of runs.entries()) {
        expect([0, 2], `${files[index]}: ${run.stderr}`).toContain(run.code)
        expect(run.stderr).not.toContain('code=internal')
      }
    },
    FUZZ_TIMEOUT_MS,
  )
})
