/**
 * Starts the Hono app at `runtime.telemetry.listen_address:listen_port` on Bun's node:http server
 * (node-adapter.ts says why not Bun.serve: every request, even one with a method no parser knows,
 * gets an answer).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { log } from '../log.ts'
import type { Services } from '../services.ts'
import { createWebApp } from './app.ts'
import { answerClientError, nodeListener } from './node-adapter.ts'

/** An idle keep-alive connection is closed after this long; so is a client that stops sending headers. */
const IDLE_TIMEOUT_MS = 30_000

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
  const host = telemetry.listen_address.includes(':') ? `[${telemetry.listen_address}]` : telemetry.listen_address
  // The origin of the Requests the app sees: only their path comes from the client.
  const listener = nodeListener(app.fetch, `http://${host}`)
  const server = createServer({ keepAliveTimeout: IDLE_TIMEOUT_MS, headersTimeout: IDLE_TIMEOUT_MS, requestTimeout: 5 * IDLE_TIMEOUT_MS }, listener)
  server.on('clientError', answerClientError)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? telemetry.listen_port, telemetry.listen_address, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const url = `http://${host}:${(server.address() as AddressInfo).port}`
  log.info('HTTP server listening', { url, metrics: url + telemetry.path, dashboard: `${url}/dashboard` })
  return {
    url,
    // In-flight requests finish; idle keep-alive connections are closed so that close() returns.
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
