/**
 * The chart worker's entry point. A compiled binary must list this file as an additional
 * entrypoint of `bun build --compile` (see renderer.ts), or the worker cannot start.
 */

import { serveRenderRequests } from './protocol.ts'
import { ensureChartRuntime } from './render.ts'

// Load the fonts and the wasm now, while the first request is still on its way; a failure here
// surfaces again, with its message, on the first render.
ensureChartRuntime().catch(() => undefined)

serveRenderRequests(self as unknown as Worker)
