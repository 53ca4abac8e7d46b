/**
 * Command-line parsing (PRODUCT §4). Flags win over the CONFIG_PATH / LOG_LEVEL environment
 * variables, which win over the defaults. An unknown flag or a bad value is a usage error
 * (exit code 2) with the usage text on stderr.
 */
import { parseArgs } from 'node:util'
import { AppError } from './errors.ts'
import type { Environment } from './config/env.ts'
import { parseLogLevel, type LogLevel } from './log.ts'

export const DEFAULT_CONFIG_PATH = 'config/orchestrator_config.yaml'

export const USAGE = `usage: alert-orchestrator [--config PATH] [--log-level debug|info|warn|error] [--once]
                          [--no-telemetry] [--test-prefix] [--print-config-normalized]
                          [--demo] [--now ISO] [--version] [--help]
       alert-orchestrator collect --once [--config PATH] [--log-level LEVEL] [--test-prefix]
       alert-orchestrator sync [--from DATE] [--to DATE] [--config PATH] [--test-prefix]
       alert-orchestrator check [--config PATH]
       alert-orchestrator notify-test [--channel NAME] [--config PATH]
       alert-orchestrator replay --from ISO --to ISO --every DURATION [--asset NAME]…
                          [--set KEY=VALUE]… [--format table|csv|json] [--out FILE] [--config PATH]
                          [--write-history] [--test-prefix]

Watches Liqwid supply positions and publishes, per asset and wallet, how much can be withdrawn
safely: Prometheus metrics, JSON and a dashboard.

  --config PATH              configuration file (default: $CONFIG_PATH, else ${DEFAULT_CONFIG_PATH};
                             without a file at the default path the shipped defaults are used)
  --log-level LEVEL          debug, info, warn or error (default: $LOG_LEVEL, else runtime.log_level)
  --once                     evaluate once, print one line per asset, exit (1 if an asset is ERROR)
  --now ISO                  with --once: evaluate as of that instant (rows with ts ≤ it only, store
                             prices only); naive times are in settings.timezone
  --no-telemetry             evaluate on schedule without the HTTP server
  --test-prefix              write synced transactions to test_* tables (reads use the normal tables)
  --print-config-normalized  print the resolved configuration as JSON (secrets redacted) and exit
  --demo                     use the embedded store filled with the synthetic demo market
  --version                  print version and commit
  --help                     print this help

  collect --once             collect one tick of positions (Koios balances × Liqwid markets) into
                             the positions tables and print what was written per wallet and asset
  sync                       run one transaction sync in the foreground (for cron and scripts):
                             progress on stderr, the report as JSON on stdout; exit 1 when a wallet
                             failed. --from/--to: YYYY-MM-DD or ISO-8601 with a zone (default: the
                             configured prices.transaction_sync window)
  check                      store doctor: dialect, server version, per asset its tables (exists,
                             rows in range, newest sample's age, wallets, tx_id), price providers;
                             exit 1 when an asset cannot be evaluated. Never writes.
  notify-test                send a test message to each notification channel, print each outcome,
                             exit 0 when all succeeded, 1 otherwise
  --channel NAME             notify-test: only the channel with this name (default name: its type)
  replay                     evaluate every configured asset at from, from+every, … ≤ to as a live
                             evaluation then would have (no look-ahead, store prices only) and print
                             a summary (table) or every row and the summary (csv, json)
    --from ISO, --to ISO     the span (naive times in settings.timezone)
    --every DURATION         e.g. 1h, 30m, 1d
    --asset NAME             only these assets (repeatable; default: every configured asset)
    --set KEY=VALUE          override a configuration key for the replay (repeatable), e.g.
                             --set analysis.decision.gate.k_sigma=3; validated like the file
    --format FORMAT          table (default), csv or json
    --out FILE               write there instead of stdout
    --write-history          also write each instant's rows (origin 'replay') to the decision
                             history where it has no row for that asset and slot; not with --set


Exit codes: 0 success, 1 an asset evaluated to ERROR (--once, replay), a failed source (collect), a
wallet failed (sync), an asset cannot be evaluated (check), a failed test message (notify-test) or
a runtime failure, 2 bad arguments or configuration.`

export type Mode = 'serve' | 'once' | 'collect' | 'replay' | 'print-config' | 'notify-test' | 'version' | 'help' | 'sync' | 'check'

/** Commands given as the first word: `alert-orchestrator collect --once`, `… replay --from …`, `alert-orchestrator sync`. */
const COMMANDS = ['collect', 'notify-test', 'replay', 'sync', 'check'] as const

/** The replay's own options, as given (checked and resolved by commands/replay.ts once the config is known). */
export interface ReplayArguments {
  from: string
  to: string
  every: string
  assets: string[]
  sets: string[]
  format: string
  out: string | null
  /** fill the decision history's empty slots with the replayed rows */
  writeHistory: boolean
}

export interface CliOptions {
  mode: Mode
  configPath: string
  /** true when the path came from --config or CONFIG_PATH (a missing file is then an error) */
  configPathExplicit: boolean
  logLevel: LogLevel | null
  noTelemetry: boolean
  testPrefix: boolean
  demo: boolean
  /** `sync --from/--to` (null: the configured default) */
  syncWindow: { start: string | null; end: string | null }
  /** notify-test --channel NAME; null = every channel */
  channel: string | null
  /** --now: the instant `--once` evaluates as of (text; resolved with settings.timezone) */
  now: string | null
  replay: ReplayArguments | null
}

/** The flags as node:util parses them; a flag it does not know is a usage error. */
function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        now: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        every: { type: 'string' },
        asset: { type: 'string', multiple: true },
        set: { type: 'string', multiple: true },
        format: { type: 'string' },
        out: { type: 'string' },
        'write-history': { type: 'boolean' },
        config: { type: 'string' },
        'log-level': { type: 'string' },
        once: { type: 'boolean' },
        'no-telemetry': { type: 'boolean' },
        'test-prefix': { type: 'boolean' },
        'print-config-normalized': { type: 'boolean' },
        demo: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        channel: { type: 'string' },
      },
    })
  } catch (error) {
    throw new AppError('usage', (error as Error).message)
  }
}

export function parseCommandLine(argv: readonly string[], env: Environment): CliOptions {
  const parsed = parseFlags(argv)
  const values = parsed.values
  const [command, ...extra] = parsed.positionals
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command))
    throw new AppError('usage', `unknown command '${command}' (commands: ${COMMANDS.join(', ')})`)
  if (extra.length > 0) throw new AppError('usage', `unexpected argument '${extra[0]}'`)
  if (command === 'collect') {
    if (!values.once)
      throw new AppError('usage', 'collect needs --once (in serve mode the collector runs on its own schedule when collector.enabled is true)')
    if (values.demo) throw new AppError('usage', 'collect cannot run on the demo market (--demo)')
    if (values['print-config-normalized'] || values['no-telemetry'])
      throw new AppError('usage', 'collect --once takes only --config, --log-level and --test-prefix')
  }
  if ((command === 'sync' || command === 'check') && (values.once || values['no-telemetry'] || values['print-config-normalized'] || values.demo))
    throw new AppError('usage', `${command} cannot be combined with --once, --no-telemetry, --print-config-normalized or --demo`)
  if (command === 'check' && values['test-prefix']) throw new AppError('usage', 'check never writes: --test-prefix does not apply')
  const notifyTest = command === 'notify-test'
  if (values.channel !== undefined && !notifyTest) throw new AppError('usage', '--channel only applies to notify-test')
  if (notifyTest && (values.once || values['print-config-normalized']))
    throw new AppError('usage', 'notify-test cannot be combined with --once or --print-config-normalized')
  const replay = command === 'replay' ? replayArguments(values) : null
  if (command !== 'replay') {
    // --from/--to are also the sync command's window
    const replayOnly =
      command === 'sync'
        ? (['every', 'asset', 'set', 'format', 'out', 'write-history'] as const)
        : (['from', 'to', 'every', 'asset', 'set', 'format', 'out', 'write-history'] as const)
    const misplaced = replayOnly.find((name) => values[name] !== undefined)
    if (misplaced) {
      const owner = misplaced === 'from' || misplaced === 'to' ? 'the replay and sync commands' : 'the replay command (alert-orchestrator replay …)'
      throw new AppError('usage', `--${misplaced} belongs to ${owner}`)
    }
  }
  if (values.now !== undefined && (command !== undefined || !values.once)) throw new AppError('usage', '--now goes with --once')
  const levelText = values['log-level'] ?? env.LOG_LEVEL
  const logLevel = levelText === undefined || levelText === '' ? null : parseLogLevel(levelText)
  if (levelText && logLevel === null)
    throw new AppError(
      'usage',
      `invalid log level '${levelText}' (${values['log-level'] ? '--log-level' : 'LOG_LEVEL'}): use debug, info, warn or error`,
    )
  if (values.once && values['no-telemetry'])
    throw new AppError('usage', '--once and --no-telemetry cannot be combined (--once never starts the HTTP server)')

  const explicitPath = values.config ?? (env.CONFIG_PATH ? env.CONFIG_PATH : undefined)
  const mode: Mode = values.help
    ? 'help'
    : values.version
      ? 'version'
      : notifyTest
        ? 'notify-test'
        : values['print-config-normalized']
          ? 'print-config'
          : command === 'collect' || command === 'replay' || command === 'sync' || command === 'check'
            ? command
            : values.once
              ? 'once'
              : 'serve'
  return {
    mode,
    configPath: explicitPath ?? DEFAULT_CONFIG_PATH,
    configPathExplicit: explicitPath !== undefined,
    logLevel,
    noTelemetry: values['no-telemetry'] ?? false,
    testPrefix: values['test-prefix'] ?? false,
    demo: values.demo ?? false,
    syncWindow: { start: command === 'sync' ? (values.from ?? null) : null, end: command === 'sync' ? (values.to ?? null) : null },
    channel: values.channel ?? null,
    now: values.now ?? null,
    replay,
  }
}

function replayArguments(values: Record<string, string | boolean | string[] | undefined>): ReplayArguments {
  const text = (name: string) => {
    const value = values[name]
    if (typeof value !== 'string' || value.trim() === '') throw new AppError('usage', `replay needs --${name}`)
    return value
  }
  for (const flag of ['once', 'no-telemetry', 'print-config-normalized', 'now'])
    if (values[flag] !== undefined) throw new AppError('usage', `replay does not take --${flag}`)
  return {
    from: text('from'),
    to: text('to'),
    every: text('every'),
    assets: (values.asset as string[] | undefined) ?? [],
    sets: (values.set as string[] | undefined) ?? [],
    format: (values.format as string | undefined) ?? 'table',
    out: (values.out as string | undefined) ?? null,
    writeHistory: values['write-history'] === true,
  }
}
