/**
 * Starts the Hono app on Bun.serve at `runtime.telemetry.listen_address:listen_port`.
 */
import { log } from '../log.ts'
import type { Services } from '../services.ts'
import { createWebApp } from './app.ts'
import { MAX_BODY_BYTES } from './http.ts'

/**
 * Bun's own cap, far above the app's limit: a body between the two gets the app's JSON 413 with
 * the security headers (Bun's 413 has neither); only abuse-sized bodies are cut by Bun itself.
 */
const SOCKET_BODY_CAP_BYTES = 64 * MAX_BODY_BYTES

export interface WebServer {
  readonly url: string
  stop(): Promise<void>
}

export interface WebServerOptions {
  /** overrides `listen_port`; 0 takes an ephemeral port (tests) */
  readonly port?: number
}

export async function startWebServer(services: Services, options: WebServerOptions = {}): Promise<WebServer> {
  const telemetry = services.config.runtime.telemetry
  const app = createWebApp(services.web)
  const server = Bun.serve({
    hostname: telemetry.listen_address,
    port: options.port ?? telemetry.listen_port,
    fetch: app.fetch,
    maxRequestBodySize: SOCKET_BODY_CAP_BYTES,
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
