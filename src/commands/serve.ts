/**
 * The long-running mode: the HTTP server (unless --no-telemetry) and the evaluation schedule —
 * first evaluation at start, then every `runtime.schedule.interval_minutes`, never overlapping.
 * SIGTERM/SIGINT stop the schedule, let the running evaluation finish (bounded), stop the server,
 * close the store and return 0.
 */
import { log } from '../log.ts'
import { createScheduler } from '../scheduler.ts'
import type { Services } from '../services.ts'
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

export async function serve(services: Services, options: { telemetry: boolean }): Promise<number> {
  const config = services.config
  const stopping = nextSignal()
  const server = options.telemetry && config.runtime.telemetry.enabled ? await startWebServer(services) : null
  if (!server) log.info('HTTP server disabled; evaluating on schedule only')
  const housekeeping = startHousekeeping(config)
  const scheduler = createScheduler({
    name: 'evaluation',
    intervalMs: config.runtime.schedule.interval_minutes * 60_000,
    task: async (signal) => void (await services.runEvaluation(signal)),
  })
  scheduler.start()

  const signal = await stopping
  log.info('shutting down', { signal })
  housekeeping.stop()
  const outcome = await scheduler.stop(SHUTDOWN_GRACE_MS)
  if (outcome === 'abandoned') log.warn('the running evaluation did not finish in time; stopping anyway', { grace_ms: SHUTDOWN_GRACE_MS })
  await server?.stop()
  await services.close()
  log.info('stopped')
  return 0
}
