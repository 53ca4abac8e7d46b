/**
 * The messages between `createChartRenderer` and its workers (a `WorkerPool`, src/worker-pool.ts),
 * and the worker side's handling of one request. Kept apart from worker.ts so a test worker can
 * reuse the real handling.
 */

import { answer, serveWorkerRequests, type WorkerResponse } from '../worker-pool.ts'
import { renderDiagnosticPng, renderPricesPng, renderTimelinePng } from './render.ts'
import type { DiagnosticChartInput, PriceChartInput, TimelineChartInput } from './types.ts'

export type RenderRequest =
  | { readonly kind: 'diagnostic'; readonly input: DiagnosticChartInput }
  | { readonly kind: 'prices'; readonly input: PriceChartInput }
  | { readonly kind: 'timeline'; readonly input: TimelineChartInput }

export type RenderResponse = WorkerResponse<Uint8Array>

function render(request: RenderRequest): Promise<Uint8Array> {
  if (request.kind === 'diagnostic') return renderDiagnosticPng(request.input)
  if (request.kind === 'prices') return renderPricesPng(request.input)
  return renderTimelinePng(request.input)
}

async function renderJob(job: RenderRequest) {
  const png = await render(job)
  return { value: png, transfer: [png.buffer as ArrayBuffer] }
}

/** One request's answer (the PNG's buffer is transferred, not copied). */
export function handleRenderRequest(request: RenderRequest & { id: number }) {
  return answer(request, renderJob)
}

/**
 * The worker's side of the protocol: answer every request. A render leaves megabytes of SVG text
 * and pixmaps behind, and renders are rare (the dashboard caches PNGs per evaluation): collect
 * after each, off the main thread, rather than let the worker's heap sit at its high-water mark
 * (measured: 10–15 MB less RSS serving the demo).
 */
export function serveRenderRequests(scope: Parameters<typeof serveWorkerRequests>[0]): void {
  serveWorkerRequests(scope, renderJob, () => Bun.gc(true))
}
