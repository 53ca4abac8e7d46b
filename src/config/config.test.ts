import { describe, expect, it } from 'bun:test'
import { resolve } from 'node:path'
import { ConfigError, loadConfigFile, loadConfigText } from './load.ts'
import { ROOT, WALLET_ENV } from './test-support.ts'
import { GATE_DEFAULTS_BY_ON_TRIGGER } from '../engine/settings.ts'

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfigText(yaml, env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`)
    throw error
  }
  throw new Error('expected the configuration to be rejected')
}

function expectProblem(yaml: string, path: string, fragment: string, env: Record<string, string> = {}) {
  const problems = problemsOf(yaml, env)
  const match = problems.find((line) => line.startsWith(`${path}: `) && line.includes(fragment))
  if (!match) throw new Error(`no problem "${path}: …${fragment}…" in:\n${problems.join('\n')}`)
}

describe('shipped configuration files', () => {
  it('loads the default demo config without warnings', () => {
    const loaded = loadConfigFile(resolve(ROOT, 'config/orchestrator_config.yaml'), {})
    expect(loaded.warnings).toEqual([])
    const config = loaded.config
    expect(config.resolved.store).toBe('embedded')
    expect(config.data.embedded.seed).toBe('demo')
    expect(config.domain.assets).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
    expect(config.resolved.assets.usdc!.symbol).toBe('wanusdc')
    expect(config.resolved.table_names).toMatchObject({ positionsPrefix: 'liqwid_supply_positions_', minswapNamespace: 'minswap' })
    expect(config.analysis.decision.safety_factor.c).toBe(0.5)
    // the demo configuration leaves k, the holdout and σ to the hold defaults the bench chose
    expect(config.analysis.decision.gate).toMatchObject(GATE_DEFAULTS_BY_ON_TRIGGER.hold)
    expect(config.runtime.telemetry.listen_port).toBe(9808)
  })

  it('loads the GreptimeDB example with its wallet variables and reads the range start in Asia/Tokyo', () => {
    const loaded = loadConfigFile(resolve(ROOT, 'config/greptime.example.yaml'), {
      ...WALLET_ENV,
      WO_BASIC_AUTH_USER: 'ops',
      WO_BASIC_AUTH_PASS: 'pw',
    })
    expect(loaded.warnings).toEqual([])
    expect(loaded.config.resolved.store).toBe('database')
    expect(loaded.config.resolved.date_range.start).toBe(Date.parse('2025-11-03T15:00:00.000Z'))
    expect(loaded.config.resolved.wallets).toEqual(Object.values(WALLET_ENV))
    expect(loaded.config.resolved.auth).toEqual({ mode: 'environment', username: 'ops', secret: 'pw' })
  })

  it("loads the predecessor's shipped config with its two wallet variables set", () => {
    const loaded = loadConfigFile(resolve(ROOT, 'tests/fixtures/predecessor_orchestrator_config.yaml'), WALLET_ENV)
    const config = loaded.config
    expect(config.data.databases.greptime!.host).toBe('localhost')
    expect(config.data.databases.greptime!.port).toBe(7010)
    expect(config.analysis.decision.gate.basis).toBe('change_rate_usd')
    expect(config.analysis.decision.gate.method).toBe('median')
    expect(config.resolved.price_compare_sources).toEqual(['liqwid', 'minswap'])
    expect(config.maintenance.cleanup.expire_before).toBe('7d')
    // Dead keys are accepted with a warning; missing auth variables lock the routes, not the service.
    expect(loaded.warnings).toContain('analysis.decision.reference.plot_fallback has no effect (the predecessor never read it either)')
    expect(loaded.warnings.some((w) => w.includes('WO_BASIC_AUTH_USER is not set'))).toBe(true)
    expect(config.resolved.auth.secret).toBeNull()
  })

  it("names the missing variable when the predecessor's wallet variables are not set", () => {
    const path = resolve(ROOT, 'tests/fixtures/predecessor_orchestrator_config.yaml')
    expect(() => loadConfigFile(path, { LIQWID_MAIN_WALLET_ADDRESS: WALLET_ENV.LIQWID_MAIN_WALLET_ADDRESS })).toThrow(
      'wallets[1].address_env: environment variable LIQWID_WALLET_OTHER_ADDRESS is not set',
    )
  })
})

describe('the seed README layout (client: / orchestrator:)', () => {
  it('maps "Monitor DJED Withdrawals" onto v2 with one warning per legacy key', () => {
    const loaded = loadConfigText(
      `client:
  assets: ["djed"]
orchestrator:
  reference_keyword: "alert_driven_withdrawal"
  safety_factor:
    c: 0.5
  decision_gate:
    enabled: true
    whitelist: ["djed"]
    k_sigma: 2.0
`,
      {},
    )
    const config = loaded.config
    expect(config.domain.assets).toEqual(['djed'])
    expect(config.analysis.decision.reference.keyword).toBe('alert_driven_withdrawal')
    expect(config.analysis.decision.safety_factor.c).toBe(0.5)
    expect(config.analysis.decision.gate.assets).toEqual(['djed'])
    expect(config.resolved.assets.djed!.settings.gate).toMatchObject({ enabled: true, k_sigma: 2 })
    expect(loaded.warnings).toHaveLength(6)
    expect(loaded.warnings).toContain('orchestrator.decision_gate.whitelist is deprecated (legacy layout): use analysis.decision.gate.assets')
  })

  it('maps "Multiple Assets with Per-Asset Settings" onto per-asset gate and trend values', () => {
    const config = loadConfigText(
      `client:
  assets: ["djed", "usdm", "wanusdc"]
  output:
    smoothing:
      default:
        polynomial_order: 2
      djed:
        polynomial_order: 3
orchestrator:
  decision_gate:
    enabled: true
    whitelist: ["djed", "usdm"]
    per_asset:
      djed:
        k_sigma: 2.5
      usdm:
        k_sigma: 2.0
`,
      {},
    ).config
    const assets = config.resolved.assets
    expect(assets.djed!.settings.gate).toMatchObject({ enabled: true, k_sigma: 2.5 })
    expect(assets.usdm!.settings.gate).toMatchObject({ enabled: true, k_sigma: 2 })
    expect(assets.wanusdc!.settings.gate.enabled).toBe(false)
    expect(assets.djed!.settings.trend.polynomial_order).toBe(3)
    expect(assets.usdm!.settings.trend.polynomial_order).toBe(2)
    expect(assets.wanusdc!.symbol).toBe('wanusdc')
  })

  it('refuses a legacy key whose v2 key is also set', () => {
    expectProblem('client: {assets: [djed]}\ndomain: {assets: [usdm]}', 'client.assets', 'conflicts with domain.assets')
  })

  it("maps the legacy auth block, accepting the docs' bcrypt: prefix", () => {
    const hash = `$2b$10$${'a'.repeat(53)}`
    const config = loadConfigText(`orchestrator:\n  auth:\n    enabled: true\n    username: admin\n    password_hash: "bcrypt:${hash}"\n`, {}).config
    expect(config.resolved.auth).toEqual({ mode: 'password_hash', username: 'admin', secret: hash })
  })
})

describe('validation', () => {
  const cases: [string, string, string, string][] = [
    ['unknown top-level key', 'bogus: 1', 'bogus', 'unknown key'],
    ['unknown nested key', 'analysis: {decision: {gate: {k_sigam: 2}}}', 'analysis.decision.gate.k_sigam', 'unknown key'],
    ['a type error', 'runtime: {telemetry: {listen_port: "x"}}', 'runtime.telemetry.listen_port', 'expected a number, got string "x"'],
    ['a list where a mapping belongs', 'settings: [1]', 'settings', 'expected an object, got a list'],
    ['an invalid time zone', 'settings: {timezone: Mars/Base}', 'settings.timezone', 'not a valid IANA time zone'],
    ['an empty asset list', 'domain: {assets: []}', 'domain.assets', 'must be a non-empty list'],
    ['a safety factor above 1', 'analysis: {decision: {safety_factor: {c: 1.5}}}', 'analysis.decision.safety_factor.c', 'must be in [0,1]'],
    ['k_sigma = 0', 'analysis: {decision: {gate: {k_sigma: 0}}}', 'analysis.decision.gate.k_sigma', 'must be in (0,100] (got: 0)'],
    [
      'min_points below order + 1',
      'analysis: {decision: {gate: {polynomial_order: 3, min_points: 3}}}',
      'analysis.decision.gate.min_points',
      'must be >= polynomial_order + 1 (4)',
    ],
    [
      'a per-asset min_points below its order + 1',
      'analysis: {decision: {gate: {per_asset: {djed: {polynomial_order: 5, min_points: 4}}}}}',
      'analysis.decision.gate.per_asset.djed.min_points',
      'must be >= polynomial_order + 1 (6)',
    ],
    [
      'a per-asset override for an unknown asset',
      'analysis: {decision: {gate: {per_asset: {btc: {k_sigma: 3}}}}}',
      'analysis.decision.gate.per_asset.btc',
      "'btc' is not in domain.assets",
    ],
    [
      'a gate whitelist with an unknown asset',
      'analysis: {decision: {gate: {assets: [btc]}}}',
      'analysis.decision.gate.assets.btc',
      'is not in domain.assets',
    ],
    [
      'central_confidence = 1',
      'analysis: {decision: {gate: {central_confidence: 1}}}',
      'analysis.decision.gate.central_confidence',
      'must be in (0,1)',
    ],
    [
      'an unknown gate method',
      'analysis: {decision: {gate: {method: spline}}}',
      'analysis.decision.gate.method',
      "must be one of 'polynomial_fit', 'median'",
    ],
    [
      'an unknown basis',
      'analysis: {decision: {gate: {basis: volume}}}',
      'analysis.decision.gate.basis',
      "must be one of 'corrected_position', 'change_rate_usd'",
    ],
    ['a negative lookback', 'analysis: {decision: {gate: {lookback_hours: -1}}}', 'analysis.decision.gate.lookback_hours', 'must be in (0,87600]'],
    ['sigma_epsilon = 0', 'analysis: {decision: {gate: {sigma_epsilon: 0}}}', 'analysis.decision.gate.sigma_epsilon', 'must be > 0'],
    [
      'an unknown threshold mode',
      'analysis: {decision: {gate: {threshold_mode: mad}}}',
      'analysis.decision.gate.threshold_mode',
      "must be one of 'stddev', 'percentile'",
    ],
    [
      'an unknown on_trigger',
      'analysis: {decision: {gate: {on_trigger: panic}}}',
      'analysis.decision.gate.on_trigger',
      "must be one of 'hold', 'withdraw'",
    ],
    ['an unknown tail', 'analysis: {decision: {gate: {tail: left}}}', 'analysis.decision.gate.tail', "must be one of 'both', 'upper', 'lower'"],
    [
      'an unknown reference fallback',
      'analysis: {decision: {reference: {fallback: latest}}}',
      'analysis.decision.reference.fallback',
      "must be one of 'null', 'data_range'",
    ],
    ['a blank keyword', 'analysis: {decision: {reference: {keyword: "  "}}}', 'analysis.decision.reference.keyword', 'must be a non-empty string'],
    [
      'an unknown alignment method',
      'data: {datasets: {transactions: {alignment_method: nearest}}}',
      'data.datasets.transactions.alignment_method',
      "'snap_to_nearest_pos'",
    ],
    [
      'a range start after its end',
      'data: {date_range: {start: "2025-02-01", end: "2025-01-01"}}',
      'data.date_range.start',
      'must be before data.date_range.end',
    ],
    ['a malformed range start', 'data: {date_range: {start: "yesterday"}}', 'data.date_range.start', 'must be an ISO date'],
    [
      'a table prefix with a quote',
      `data: {datasets: {transactions: {sources: {liqwid: {deposits_prefix: "dep'"}}}}}`,
      'data.datasets.transactions.sources.liqwid.deposits_prefix',
      'only letters, digits and _',
    ],
    [
      'a table prefix with a space and ;',
      'data: {datasets: {transactions: {sources: {liqwid: {table_asset_prefix: "a b;"}}}}}',
      'data.datasets.transactions.sources.liqwid.table_asset_prefix',
      'only letters, digits and _',
    ],
    ['an asset symbol with a quote', `domain: {symbols: {djed: "dj'ed"}}`, 'domain.symbols.djed', 'only letters, digits and _'],
    [
      'a database host that is not a host name',
      'data: {databases: {greptime: {host: "db server;1"}}}',
      'data.databases.greptime.host',
      'must be a host name or an IP address',
    ],
    ['a database port of 0', 'data: {databases: {greptime: {port: 0}}}', 'data.databases.greptime.port', 'must be in [1,65535]'],
    ['a fractional port', 'runtime: {telemetry: {listen_port: 80.5}}', 'runtime.telemetry.listen_port', 'expected an integer'],
    [
      'an unknown dialect',
      'data: {databases: {greptime: {dialect: mysql}}}',
      'data.databases.greptime.dialect',
      "must be one of 'auto', 'greptime', 'postgres'",
    ],
    ['a relative metrics path', 'runtime: {telemetry: {path: metrics}}', 'runtime.telemetry.path', 'absolute URL path'],
    ['a metric prefix with a dash', 'runtime: {telemetry: {metric_prefix: "wo-"}}', 'runtime.telemetry.metric_prefix', 'Prometheus metric name'],
    ['an unknown metric toggle', 'runtime: {telemetry: {expose: {wmax: true}}}', 'runtime.telemetry.expose.wmax', 'unknown key'],
    ['a YAML 1.1 boolean word', 'runtime: {telemetry: {enabled: "yes"}}', 'runtime.telemetry.enabled', 'expected a boolean, got string "yes"'],
    ['interval_minutes = 0', 'runtime: {schedule: {interval_minutes: 0}}', 'runtime.schedule.interval_minutes', 'must be in [0.05,1440]'],
    ['a negative tolerance', 'analysis: {price_compare: {tolerance_epsilon: -0.1}}', 'analysis.price_compare.tolerance_epsilon', 'must be >= 0'],
    [
      'price compare with one source',
      'analysis: {price_compare: {enabled: true, sources: [liqwid]}}',
      'analysis.price_compare.sources',
      'at least two sources',
    ],
    [
      'a compared source without providers',
      'analysis: {price_compare: {enabled: true, sources: [liqwid, oracle]}}',
      'prices.priority_by_logical.oracle',
      "no providers for source 'oracle'",
    ],
    [
      'an unknown provider',
      'prices: {priority_by_logical: {liqwid: ["coingecko"]}}',
      'prices.priority_by_logical.liqwid[0]',
      'greptime(liqwid), greptime(minswap), liqwid or minswap',
    ],
    ['a duty cycle above 1', 'prices: {duty_cycle_threshold: 1.5}', 'prices.duty_cycle_threshold', 'must be in (0,1]'],
    ['an endpoint that is not a URL', 'prices: {endpoints: {liqwid_graphql: "not a url"}}', 'prices.endpoints.liqwid_graphql', 'http(s) URL'],
    [
      'persistence_threshold = 0',
      'analysis: {price_compare: {persistence_threshold: 0}}',
      'analysis.price_compare.persistence_threshold',
      'must be in [1,10000]',
    ],
    ['a username without a hash', 'runtime: {auth: {enabled: true, username: admin}}', 'runtime.auth.password_hash', 'required together'],
    [
      'an unsupported password hash',
      'runtime: {auth: {enabled: true, username: admin, password_hash: "md5:abc"}}',
      'runtime.auth.password_hash',
      'sha256:<64 hex>',
    ],
    [
      'cleanup without an age',
      'maintenance: {cleanup: {enabled: true, paths: [output]}}',
      'maintenance.cleanup.expire_before',
      'is required when cleanup is enabled',
    ],
    ['cleanup without paths', 'maintenance: {cleanup: {enabled: true, expire_before: 7d}}', 'maintenance.cleanup.paths', 'must be a non-empty list'],
    ['a malformed cleanup age', 'maintenance: {cleanup: {expire_before: "a week"}}', 'maintenance.cleanup.expire_before', 'relative age like 7d'],
    [
      'a malformed plot range duration',
      'visualization: {diagnostics: {plot_range: {mode: relative, relative_duration: "a week"}}}',
      'visualization.diagnostics.plot_range.relative_duration',
      'must be a duration like 7d',
    ],
    [
      'a relative plot range without duration',
      'visualization: {diagnostics: {plot_range: {mode: relative}}}',
      'visualization.diagnostics.plot_range.relative_duration',
      'is required when mode is relative',
    ],
    ['a replay of 91 days', 'visualization: {dashboard: {replay: {days: 91}}}', 'visualization.dashboard.replay.days', 'must be in [1,90]'],
    [
      'replayed instants closer than 5 minutes',
      'visualization: {dashboard: {replay: {every_minutes: 1}}}',
      'visualization.dashboard.replay.every_minutes',
      'must be in [5,1440]',
    ],
    [
      'a replay of more than 5000 instants',
      'visualization: {dashboard: {replay: {days: 90, every_minutes: 10}}}',
      'visualization.dashboard.replay.every_minutes',
      'gives 12960 instants over 90 days; at most 5000',
    ],
    ['a wallet that is not an address', 'wallets: ["0xabc"]', 'wallets[0]', 'must be a Cardano address starting with addr1'],
    ['an empty wallet list', 'wallets: []', 'wallets', 'must be a non-empty list when provided'],
    ['a wallet mapping with an unknown key', 'wallets: [{adress: addr1qxyz}]', 'wallets[0].adress', 'unknown key'],
    [
      'a missing ${VAR}',
      'data: {databases: {greptime: {host: "${DB_HOST}"}}}',
      'data.databases.greptime.host',
      'environment variable DB_HOST is not set',
    ],
    ['a malformed ${VAR', 'data: {databases: {greptime: {host: "${DB_HOST"}}}', 'data.databases.greptime.host', 'malformed variable reference'],
    [
      'a missing password_env variable',
      'data: {databases: {greptime: {password_env: PGPASS}}}',
      'data.databases.greptime.password_env',
      'environment variable PGPASS is not set',
    ],
  ]
  for (const [name, yaml, path, fragment] of cases) {
    it(`rejects ${name} at ${path}`, () => expectProblem(yaml, path, fragment))
  }

  it('reports every problem at once', () => {
    const problems = problemsOf('bogus: 1\nanalysis: {decision: {gate: {k_sigma: -1}, safety_factor: {c: 2}}}\nwallets: [{address_env: NOPE}]')
    expect(problems).toEqual([
      'wallets[0].address_env: environment variable NOPE is not set',
      'analysis.decision.safety_factor.c: must be in [0,1] (got: 2)',
      'analysis.decision.gate.k_sigma: must be in (0,100] (got: -1)',
      'bogus: unknown key',
    ])
  })

  it('says plainly when the file is not YAML', () => {
    expect(problemsOf('analysis: [1\n')[0]).toMatch(/^line \d+: not valid YAML/)
  })

  it('says plainly when the file is not a mapping', () => {
    expect(problemsOf('- djed\n- usdm\n')).toEqual(['(top level): must be a mapping of sections, got a list'])
  })

  it('refuses duplicate keys instead of keeping the last one', () => {
    expect(problemsOf('domain: {assets: [djed]}\ndomain: {assets: [usdm]}\n')[0]).toContain('not valid YAML')
  })

  it('says plainly when the file is missing', () => {
    expect(() => loadConfigFile('/nonexistent/orchestrator.yaml', {})).toThrow('configuration file not found: /nonexistent/orchestrator.yaml')
  })

  it('treats an empty file and empty sections as all defaults', () => {
    const config = loadConfigText('settings:\nanalysis:\n', {}).config
    expect(config.settings.timezone).toBe('Asia/Tokyo')
    expect(config.analysis.decision.gate.enabled).toBe(false)
    expect(loadConfigText('', {}).config.domain.assets).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
  })
})
