/**
 * Starts the Hono app on Bun.serve at `runtime.telemetry.listen_address:listen_port`.
 */
import { normalizedConfigJson } from '../config/normalize.ts'
import { log } from '../log.ts'
import type { Services } from '../services.ts'
import { createWebApp } from './app.ts'
import { MAX_BODY_BYTES } from './http.ts'

export interface WebServer {
  readonly url: string
  stop(): Promise<void>
}

export async function startWebServer(services: Services): Promise<WebServer> {
  const telemetry = services.config.runtime.telemetry
  const app = createWebApp(services.web)
  const server = Bun.serve({
    hostname: telemetry.listen_address,
    port: telemetry.listen_port,
    fetch: app.fetch,
    maxRequestBodySize: MAX_BODY_BYTES,
    idleTimeout: 30,
  })
  const url = `http://${telemetry.listen_address.includes(':') ? `[${telemetry.listen_address}]` : telemetry.listen_address}:${server.port}`
  log.info('HTTP server listening', { url, metrics: url + telemetry.path, dashboard: `${url}/dashboard` })
  return {
    url,
    stop: async () => {
      await server.stop()
    },
  }
}
