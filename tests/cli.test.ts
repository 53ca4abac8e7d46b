/**
 * The command line end to end (`bun src/main.ts …` in a child process, PRODUCT §4): help,
 * version, usage errors, `--print-config-normalized` (exit codes, every problem listed, output
 * that loads back to itself, no network), and the CONFIG_PATH / LOG_LEVEL variables.
 * `--once` on the demo store is in tests/service/once.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TCPSocketListener } from 'bun'
import packageJson from '../package.json' with { type: 'json' }
import { USAGE } from '../src/cli.ts'
import { baseConfig, writeConfigFile, withConfig, type ConfigTree } from './support/service/config.ts'
import { ROOT, runCli, type CliRun } from './support/service/cli.ts'

/** A child process starts Bun and loads the sources: give it more than bun's default 5 s. */
const CHILD_TIMEOUT_MS = 30_000
const SHA256_HASH = `sha256:${new Bun.CryptoHasher('sha256').update('pw').digest('hex')}`

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ao-cli-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function configFile(tree: ConfigTree): string {
  return writeConfigFile(dir, tree, `config-${++files}.yaml`)
}

function textFile(text: string): string {
  const path = join(dir, `config-${++files}.yaml`)
  writeFileSync(path, text)
  return path
}

const printConfig = (path: string, env: Record<string, string | undefined> = {}) => runCli(['--print-config-normalized', '--config', path], { env })

describe('help and version', () => {
  it(
    'prints the usage on stdout and exits 0 for --help and -h',
    async () => {
      for (const run of await Promise.all([runCli(['--help']), runCli(['-h'])])) expect(run).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' })
    },
    CHILD_TIMEOUT_MS,
  )

  it(
    'prints the version and the commit for --version',
    async () => {
      const run = await runCli(['--version'])
      const git = Bun.spawnSync(['git', 'rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, stderr: 'ignore' })
      const commit = git.success && git.stdout.toString().trim() ? `${git.stdout.toString().trim()}-dev` : 'unknown'
      expect(run).toEqual({ code: 0, stdout: `alert-orchestrator ${packageJson.version} (commit ${commit})\n`, stderr: '' })
    },
    CHILD_TIMEOUT_MS,
  )
})

describe('usage errors', () => {
  const cases: [string, string[], Record<string, string>, string][] = [
    ['an unknown flag', ['--frobnicate'], {}, "Unknown option '--frobnicate'"],
    ['a positional argument', ['serve'], {}, "'serve'"],
    ['a flag without its value', ['--config'], {}, '--config'],
    ['--once with --no-telemetry', ['--once', '--no-telemetry'], {}, '--once and --no-telemetry cannot be combined'],
    ['a bad --log-level', ['--log-level', 'loud', '--help'], {}, "invalid log level 'loud' (--log-level)"],
    ['a bad LOG_LEVEL', ['--help'], { LOG_LEVEL: 'loud' }, "invalid log level 'loud' (LOG_LEVEL)"],
  ]
  // The children are independent: run them at once, then look at each.
  let runs: CliRun[]
  beforeAll(async () => {
    runs = await Promise.all(cases.map(([, args, env]) => runCli(args, { env })))
  }, CHILD_TIMEOUT_MS)

  for (const [index, [label, , , message]] of cases.entries())
    it(`rejects ${label} with the usage on stderr and exit code 2`, () => {
      const run = runs[index]!
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain(message)
      expect(run.stderr).toContain(USAGE)
    })
})

describe('--print-config-normalized', () => {
  it(
    'prints the resolved configuration as JSON and exits 0',
    async () => {
      const run = await printConfig(configFile(withConfig(baseConfig({}), { domain: { assets: ['djed', 'usdc'] } })))
      expect(run.code).toBe(0)
      const printed = JSON.parse(run.stdout)
      expect(Object.keys(printed)).toEqual([
        'settings',
        'wallets',
        'domain',
        'data',
        'prices',
        'collector',
        'analysis',
        'runtime',
        'visualization',
        'maintenance',
        'history',
        'notifications',
        'resolved',
      ])
      expect(printed.domain.assets).toEqual(['djed', 'usdc'])
      expect(printed.resolved.assets.usdc.symbol).toBe('wanusdc')
      expect(printed.analysis.decision.gate.tail).toBe('both')
    },
    CHILD_TIMEOUT_MS,
  )

  it(
    'lists every problem of an invalid configuration on stderr, by path, and exits 2',
    async () => {
      const run = await printConfig(
        configFile({
          settings: { timezone: 'Mars/Olympus_Mons' },
          domain: { assets: [] },
          analysis: { decision: { gate: { k_sigmaa: 2 }, safety_factor: { c: 1.5 } } },
          runtime: { telemetry: { listen_port: 70000 } },
        }),
      )
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      for (const path of [
        'settings.timezone',
        'domain.assets',
        'analysis.decision.gate.k_sigmaa: unknown key',
        'analysis.decision.safety_factor.c',
        'runtime.telemetry.listen_port',
      ])
        expect(run.stderr).toContain(path)
      expect(run.stderr.match(/^\s+• /gm)).toHaveLength(5)
    },
    CHILD_TIMEOUT_MS,
  )

  it(
    'exits 2 for a file that is not YAML or does not exist',
    async () => {
      const [broken, missing] = await Promise.all([printConfig(textFile('settings: [unclosed\n')), printConfig(join(dir, 'nowhere.yaml'))])
      expect([broken.code, broken.stdout]).toEqual([2, ''])
      expect(broken.stderr).toContain('not valid YAML')
      expect([missing.code, missing.stdout]).toEqual([2, ''])
      expect(missing.stderr).toContain(`configuration file not found: ${join(dir, 'nowhere.yaml')}`)
    },
    CHILD_TIMEOUT_MS,
  )

  describe('output fed back as a configuration file normalizes to the same JSON', () => {
    const roundTrip = async (path: string, env: Record<string, string> = {}) => {
      const first = await printConfig(path, env)
      expect(first.code).toBe(0)
      const second = await printConfig(textFile(first.stdout), env)
      expect(second.code).toBe(0)
      expect(second.stdout).toBe(first.stdout)
      return first.stdout
    }

    it(
      'for the shipped configuration',
      async () => {
        await roundTrip(join(ROOT, 'config/orchestrator_config.yaml'))
      },
      CHILD_TIMEOUT_MS,
    )

    it(
      'for the predecessor’s legacy-layout file with wallets and auth from the environment',
      async () => {
        const env = {
          LIQWID_MAIN_WALLET_ADDRESS: 'addr1qmainwallet0000000000000000000000000000000000000000000000000000000000',
          LIQWID_WALLET_OTHER_ADDRESS: 'addr1qotherwallet000000000000000000000000000000000000000000000000000000000',
          WO_BASIC_AUTH_USER: 'ops',
          WO_BASIC_AUTH_PASS: 'plaintext-secret',
        }
        const printed = await roundTrip(join(ROOT, 'tests/fixtures/predecessor_orchestrator_config.yaml'), env)
        expect(printed).not.toContain('plaintext-secret')
        expect(printed).not.toContain(env.LIQWID_MAIN_WALLET_ADDRESS)
      },
      CHILD_TIMEOUT_MS,
    )

    it(
      'for a configuration with secrets and per-asset overrides',
      async () => {
        const printed = await roundTrip(
          configFile(
            withConfig(baseConfig({ databases: { greptime: { host: 'db.internal', port: 4003, password: 'db-secret' } } }), {
              domain: { assets: ['djed', 'usdc', 'iusd'], symbols: { iusd: 'iusd_v2' } },
              analysis: { decision: { gate: { enabled: true, per_asset: { usdc: { k_sigma: 3, min_points: 30 } } } } },
              runtime: { auth: { enabled: true, username: 'ops', password_hash: SHA256_HASH } },
            }),
          ),
        )
        expect(printed).not.toContain('db-secret')
        expect(printed).not.toContain(SHA256_HASH)
        expect(JSON.parse(printed).resolved.assets.usdc.settings.gate).toMatchObject({ k_sigma: 3, min_points: 30 })
      },
      CHILD_TIMEOUT_MS,
    )
  })

  describe('never opens a network connection', () => {
    let listener: TCPSocketListener<undefined>
    let connections = 0
    let networkedConfig: string

    beforeAll(() => {
      listener = Bun.listen({
        hostname: '127.0.0.1',
        port: 0,
        socket: {
          open(socket) {
            connections++
            socket.end()
          },
          data() {},
        },
      })
      const upstream = `http://127.0.0.1:${listener.port}`
      // every network dependency of the config points at the listener
      networkedConfig = configFile(
        withConfig(baseConfig({ databases: { greptime: { host: '127.0.0.1', port: listener.port, timeout: 2 } } }), {
          prices: {
            priority_by_logical: { liqwid: ['greptime(liqwid)', 'liqwid'], minswap: ['greptime(minswap)', 'minswap'] },
            endpoints: { liqwid_graphql: `${upstream}/graphql`, minswap_aggregator: upstream },
          },
        }),
      )
    })
    afterAll(() => listener?.stop(true))

    it(
      'prints a configuration whose database and APIs all point at a listener without connecting to it',
      async () => {
        connections = 0
        const run = await printConfig(networkedConfig)
        expect(run.code).toBe(0)
        expect(JSON.parse(run.stdout).data.databases.greptime.port).toBe(listener.port)
        expect(connections).toBe(0)
      },
      CHILD_TIMEOUT_MS,
    )

    it(
      'is checked by a listener that does see the connections of an evaluation (control)',
      async () => {
        connections = 0
        const run = await runCli(['--once', '--config', networkedConfig])
        expect(run.code).toBe(1)
        expect(connections).toBeGreaterThan(0)
      },
      CHILD_TIMEOUT_MS,
    )

    const strace = Bun.which('strace') && Bun.spawnSync(['strace', '-f', '-qq', '-e', 'trace=connect', '-o', '/dev/null', 'true']).success
    it.skipIf(!strace)(
      'opens no internet socket at all (strace)',
      async () => {
        const trace = join(dir, 'connect.trace')
        const run = await runCli(['--print-config-normalized', '--config', networkedConfig], {
          wrapper: ['strace', '-f', '-qq', '-e', 'trace=socket,connect', '-o', trace],
        })
        expect(run.code).toBe(0)
        const calls = readFileSync(trace, 'utf8')
          .split('\n')
          .filter((line) => /AF_INET6?\b/.test(line))
        expect(calls).toEqual([])
      },
      CHILD_TIMEOUT_MS,
    )
  })
})

describe('configuration found unusable at start', () => {
  it(
    'exits 2, not 1, when the database settings make no connection URL',
    async () => {
      const path = configFile(baseConfig({ databases: { greptime: { host: 'db host with spaces', port: 5432 } } }))
      const run = await runCli(['--once', '--config', path])
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      // the schema refuses it before anything starts (it used to surface only when connecting)
      expect(run.stderr).toContain('data.databases.greptime.host: must be a host name or an IP address')
    },
    CHILD_TIMEOUT_MS,
  )
})

describe('environment variables', () => {
  it(
    'reads the configuration from CONFIG_PATH when --config is absent; --config wins over it',
    async () => {
      const fromEnv = configFile(withConfig(baseConfig({}), { domain: { assets: ['iusd'] } }))
      const fromFlag = configFile(withConfig(baseConfig({}), { domain: { assets: ['usda'] } }))
      const [viaEnv, viaFlag, missing] = await Promise.all([
        runCli(['--print-config-normalized'], { env: { CONFIG_PATH: fromEnv } }),
        runCli(['--print-config-normalized', '--config', fromFlag], { env: { CONFIG_PATH: fromEnv } }),
        runCli(['--print-config-normalized'], { env: { CONFIG_PATH: join(dir, 'absent.yaml') } }),
      ])
      expect(JSON.parse(viaEnv.stdout).domain.assets).toEqual(['iusd'])
      expect(JSON.parse(viaFlag.stdout).domain.assets).toEqual(['usda'])
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain('configuration file not found')
    },
    CHILD_TIMEOUT_MS,
  )

  it(
    'uses the shipped configuration when neither is given and no file is at the default path',
    async () => {
      const empty = mkdtempSync(join(dir, 'cwd-'))
      const [builtIn, shipped] = await Promise.all([
        runCli(['--print-config-normalized'], { cwd: empty }),
        printConfig(join(ROOT, 'config/orchestrator_config.yaml')),
      ])
      expect(builtIn.code).toBe(0)
      expect(builtIn.stdout).toBe(shipped.stdout)
    },
    CHILD_TIMEOUT_MS,
  )

  it(
    'takes the log level from LOG_LEVEL over the file, and from --log-level over both',
    async () => {
      // plot_fallback has no effect: loading warns about it
      const path = configFile(
        withConfig(baseConfig({}), { analysis: { decision: { reference: { plot_fallback: 'null' } } }, runtime: { log_level: 'error' } }),
      )
      const warning = 'plot_fallback has no effect'
      const [quietByFile, loudByEnv, quietByFlag] = await Promise.all([
        printConfig(path),
        printConfig(path, { LOG_LEVEL: 'warn' }),
        runCli(['--print-config-normalized', '--config', path, '--log-level', 'error'], { env: { LOG_LEVEL: 'warn' } }),
      ])
      expect(quietByFile.stderr).not.toContain(warning)
      expect(loudByEnv.stderr).toContain(warning)
      expect(quietByFlag.stderr).not.toContain(warning)
      for (const run of [quietByFile, loudByEnv, quietByFlag]) expect(run.code).toBe(0)
    },
    CHILD_TIMEOUT_MS,
  )
})
