/**
 * alert-orchestrator: argv → config → one of print config | notify-test | once | collect | replay |
 * serve | sync | check; exit codes 0 (success), 1 (an asset ERROR in --once or replay, a failed
 * source in collect, a wallet failed in sync, an asset check cannot evaluate, a failed test
 * message, or a runtime failure), 2 (bad arguments or config).
 */
import { type CliOptions, parseCommandLine, USAGE } from './cli.ts'
import { ConfigError, type LoadedConfig } from './config/load.ts'
import { normalizedConfigJson } from './config/normalize.ts'
import { overrideConfig } from './config/overrides.ts'
import { loadConfiguration } from './config/source.ts'
import { instantOf } from './config/time.ts'
import type { ReplayPlan } from './commands/replay.ts'
import { AppError, describeError, isAppError } from './errors.ts'
import { log, setLogLevel } from './log.ts'
import { buildCommit, VERSION } from './version.ts'

const out = (line: string) => process.stdout.write(`${line}\n`)
const err = (line: string) => process.stderr.write(`${line}\n`)

/** Writes the line, then gives the exit code. */
function exitWith(write: (line: string) => void, line: string, code: number): number {
  write(line)
  return code
}

export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  let options: CliOptions
  try {
    options = parseCommandLine(argv, env)
  } catch (error) {
    err(`alert-orchestrator: ${describeError(error)}\n\n${USAGE}`)
    return 2
  }
  if (options.mode === 'help') return exitWith(out, USAGE, 0)
  if (options.mode === 'version') return exitWith(out, `alert-orchestrator ${VERSION} (commit ${buildCommit()})`, 0)

  let loaded: LoadedConfig
  try {
    loaded = overrideConfig(loadConfiguration(options, env), options.replay?.sets ?? [], env)
  } catch (error) {
    if (error instanceof ConfigError) return exitWith(err, error.message, 2)
    throw error
  }
  setLogLevel(options.logLevel ?? loaded.config.runtime.log_level)
  for (const warning of loaded.warnings) log.warn('configuration', { warning })
  if (options.mode === 'print-config') return exitWith(out, normalizedConfigJson(loaded), 0)
  if (options.mode === 'notify-test') {
    const { runNotifyTest } = await import('./commands/notify-test.ts')
    try {
      return await runNotifyTest(loaded.config, options.channel, out)
    } catch (error) {
      if (!isAppError(error, 'usage') && !isAppError(error, 'config_invalid')) throw error
      err(`alert-orchestrator notify-test: ${describeError(error)}`)
      return 2
    }
  }

  if (options.mode === 'check') {
    // Never writes, so it shares an embedded store with a running server instead of taking its lock.
    const [{ openStore }, { storeOptionsOf }, { runCheck }] = await Promise.all([
      import('./store/index.ts'),
      import('./services.ts'),
      import('./commands/check.ts'),
    ])
    const store = await openStore(storeOptionsOf(loaded.config, { demo: false, testPrefix: false, sharedStore: true }))
    try {
      return await runCheck(loaded.config, store.client, loaded.config.resolved.table_names, out)
    } finally {
      await store.close()
    }
  }

  // Checked before anything starts: a bad --now or replay argument is a usage error.
  let asOf: number | undefined
  let replayPlan: ReplayPlan | null = null
  try {
    if (options.now !== null) asOf = nowArgument(options.now, loaded.config.settings.timezone)
    if (options.replay !== null) replayPlan = (await import('./commands/replay.ts')).planReplay(loaded.config, options.replay)
  } catch (error) {
    return exitWith(err, `alert-orchestrator: ${describeError(error)}`, 2)
  }

  // Loaded only now: --help, --version and the config doctor stay instant.
  const [{ startServices }, { runOnce }, { serve }, { runCollectOnce }, { runReplay }] = await Promise.all([
    import('./services.ts'),
    import('./commands/once.ts'),
    import('./commands/serve.ts'),
    import('./commands/collect.ts'),
    import('./commands/replay.ts'),
  ])
  log.info('starting', { version: VERSION, config: loaded.source, mode: options.mode })
  if (options.testPrefix) log.warn("TEST MODE: all database writes go to 'test_*' tables; reads use the normal tables")
  const services = await startServices(loaded, {
    demo: options.demo,
    testPrefix: options.testPrefix,
    collector: options.mode === 'collect',
    // --once and replay only read, and a sync's rows are deduplicated by the unique tx_id index:
    // they may run next to a server on the same embedded store
    sharedStore: options.mode === 'once' || options.mode === 'replay' || options.mode === 'sync',
    ...(asOf === undefined ? {} : { asOf }),
  })
  if (replayPlan !== null) {
    try {
      return await runReplay(services, replayPlan, (text) => process.stdout.write(text))
    } finally {
      await services.close()
    }
  }
  if (options.mode === 'once' || options.mode === 'collect') {
    try {
      return await (options.mode === 'once' ? runOnce : runCollectOnce)(services, out)
    } finally {
      await services.close()
    }
  }
  if (options.mode === 'sync') {
    const { runSync } = await import('./commands/sync.ts')
    try {
      return await runSync(services.sync, options.syncWindow, out, err)
    } catch (error) {
      // a bad --from/--to, or nothing to sync: the caller's to fix
      if (!isAppError(error, 'bad_request')) throw error
      err(`alert-orchestrator sync: ${describeError(error)}`)
      return 2
    } finally {
      await services.close()
    }
  }
  return serve(services, { telemetry: !options.noTelemetry })
}

function nowArgument(text: string, zone: string): number {
  try {
    return instantOf(text, zone)
  } catch {
    throw new AppError('usage', `--now ${JSON.stringify(text)}: not an ISO date or date-time (naive times are in ${zone})`)
  }
}

if (import.meta.main) {
  main(Bun.argv.slice(2), process.env)
    .then((code) => process.exit(code))
    .catch((error) => {
      // Settings found unusable only when used (a database host that makes no URL) are a bad config too.
      const badSetup = ['store_locked', 'invalid_identifier', 'config_invalid'] as const
      const code = badSetup.some((kind) => isAppError(error, kind)) ? 2 : 1
      log.error('fatal', { error: describeError(error), code: error instanceof AppError ? error.code : 'internal' })
      process.exit(code)
    })
}
