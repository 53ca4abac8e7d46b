/**
 * The long-running mode: the HTTP server (unless --no-telemetry), the position collector's
 * schedule (when enabled) and the evaluation schedule — first evaluation at start, then every
 * `runtime.schedule.interval_minutes`, never overlapping.
 * SIGTERM/SIGINT stop the schedule, let the running evaluation finish (bounded), stop the server,
 * close the store and return 0.
 */
import { log } from '../log.ts'
import { createScheduler } from '../scheduler.ts'
import type { Services } from '../services.ts'
import { startCollectorSchedule } from '../collector/service.ts'
import { startHousekeeping } from '../housekeeping.ts'
import { startWebServer } from '../web/server.ts'

/** How long a shutdown waits for the evaluation in progress. */
const SHUTDOWN_GRACE_MS = 20_000

function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const handler = (signal: string) => {
      process.off('SIGTERM', handler)
      process.off('SIGINT', handler)
      resolve(signal)
    }
    process.on('SIGTERM', handler)
    process.on('SIGINT', handler)
  })
}

export interface ServeOptions {
  readonly telemetry: boolean
  /** overrides `listen_port` (0: an ephemeral port, for tests) */
  readonly port?: number
}

export async function serve(services: Services, options: ServeOptions): Promise<number> {
  const config = services.config
  const stopping = nextSignal()
  const server = options.telemetry && config.runtime.telemetry.enabled ? await startWebServer(services, { port: options.port }) : null
  if (!server) log.info('HTTP server disabled; evaluating on schedule only')
  // The dashboard's history panel shows the hours before a restart: read them before the first evaluation.
  await services.recentHistory?.load(Date.now())
  const housekeeping = startHousekeeping(config, services.history)
  const collector = services.collector
  const collecting = collector ? startCollectorSchedule(collector) : null
  const scheduler = createScheduler({
    name: 'evaluation',
    intervalMs: config.runtime.schedule.interval_minutes * 60_000,
    task: async (signal) => {
      // When both are due, this tick's positions are written before the evaluation reads them.
      await collector?.collectDue(signal)
      await services.runEvaluation(signal)
    },
  })
  scheduler.start()

  const signal = await stopping
  log.info('shutting down', { signal })
  // A sync job can run for minutes (30 s per Liqwid call, retried): stop it now and let it
  // record how far it got before the store closes.
  services.sync.cancel()
  await services.sync.idle()
  housekeeping.stop()
  await collecting?.stop(SHUTDOWN_GRACE_MS)
  const outcome = await scheduler.stop(SHUTDOWN_GRACE_MS)
  if (outcome === 'abandoned') log.warn('the running evaluation did not finish in time; stopping anyway', { grace_ms: SHUTDOWN_GRACE_MS })
  await server?.stop()
  await services.close()
  log.info('stopped')
  return 0
}
