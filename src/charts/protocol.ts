/**
 * The messages between `createChartRenderer` and its workers, and the worker side's handling of
 * one request. Kept apart from worker.ts so a test worker can reuse the real handling.
 */

import { renderDiagnosticPng, renderPricesPng } from './render.ts'
import type { DiagnosticChartInput, PriceChartInput } from './types.ts'

export type RenderRequest =
  | { readonly id: number; readonly kind: 'diagnostic'; readonly input: DiagnosticChartInput }
  | { readonly id: number; readonly kind: 'prices'; readonly input: PriceChartInput }

export type RenderResponse =
  | { readonly id: number; readonly ok: true; readonly png: Uint8Array; readonly renderMs: number }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string } }

export async function handleRenderRequest(request: RenderRequest): Promise<RenderResponse> {
  const started = performance.now()
  try {
    const png = request.kind === 'diagnostic' ? await renderDiagnosticPng(request.input) : await renderPricesPng(request.input)
    return { id: request.id, ok: true, png, renderMs: performance.now() - started }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) }
    return { id: request.id, ok: false, error: { name, message } }
  }
}

/** The worker's side of the protocol: answer every request, transferring the PNG's buffer. */
export function serveRenderRequests(scope: { addEventListener: Worker['addEventListener']; postMessage: Worker['postMessage'] }): void {
  scope.addEventListener('message', async (event: MessageEvent<RenderRequest>) => {
    const response = await handleRenderRequest(event.data)
    scope.postMessage(response, response.ok ? [response.png.buffer as ArrayBuffer] : [])
    // A render leaves megabytes of SVG text and pixmaps behind, and renders are rare (the
    // dashboard caches PNGs per evaluation): collect now, off the main thread, rather than let
    // the worker's heap sit at its high-water mark (measured: 10–15 MB less RSS serving the demo).
    Bun.gc(true)
  })
}
