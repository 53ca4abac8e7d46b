import { DEFAULT_SIZE } from '../../src/charts/theme.ts'
import { afterEach, describe, expect, it } from 'bun:test'
import { type ChartRenderer, createChartRenderer } from '../../src/charts/renderer.ts'
import type { DiagnosticChartInput } from '../../src/charts/types.ts'
import { isAppError } from '../../src/errors.ts'
import { diagnosticFixture, priceFixture } from './fixtures.ts'
import { decodePng } from './png-decode.ts'

const MISBEHAVING_WORKER = new URL('./fixtures/misbehaving-worker.ts', import.meta.url)
const input = diagnosticFixture({ days: 7, stepMinutes: 15, lookbackHours: 48 })
/** Cold workers load ~4 MB of JS and wasm first; on a busy 2-core machine that takes seconds. */
const WORKER_TEST_TIMEOUT_MS = 30_000
const titled = (title: string): DiagnosticChartInput => ({ ...input, title })

let renderer: ChartRenderer | null = null
afterEach(async () => {
  await renderer?.close()
  renderer = null
})

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}

describe('createChartRenderer', () => {
  it(
    'renders a diagnostic and a price chart in a worker',
    async () => {
      renderer = createChartRenderer()
      const diagnostic = decodePng(await renderer.renderDiagnostic(input))
      const prices = decodePng(await renderer.renderPrices(priceFixture()))
      expect([diagnostic.width, diagnostic.height]).toEqual([DEFAULT_SIZE.width, DEFAULT_SIZE.height])
      expect([prices.width, prices.height]).toEqual([DEFAULT_SIZE.width, DEFAULT_SIZE.height])
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'renders concurrent requests on a pool of workers',
    async () => {
      renderer = createChartRenderer({ workers: 2 })
      const pngs = await Promise.all([1, 2, 3, 4].map((i) => renderer!.renderDiagnostic(titled(`chart ${i}`))))
      for (const png of pngs) expect(decodePng(png).width).toBe(DEFAULT_SIZE.width)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects with the worker message when a render throws, and keeps serving',
    async () => {
      renderer = createChartRenderer()
      const error = await rejection(renderer.renderDiagnostic({ ...input, series: null } as unknown as DiagnosticChartInput))
      expect(isAppError(error, 'internal')).toBe(true)
      expect((error as Error).message).toContain('chart render failed')
      expect(decodePng(await renderer.renderDiagnostic(input)).width).toBe(DEFAULT_SIZE.width)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects an input that cannot be sent to a worker, and keeps serving',
    async () => {
      renderer = createChartRenderer()
      const error = await rejection(renderer.renderDiagnostic({ ...input, title: (() => 'x') as unknown as string }))
      expect((error as Error).message).toContain('cannot be sent')
      expect(decodePng(await renderer.renderDiagnostic(input)).width).toBe(DEFAULT_SIZE.width)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects the render of a worker that exits, then restarts the worker',
    async () => {
      renderer = createChartRenderer({ workerUrl: MISBEHAVING_WORKER })
      const error = await rejection(renderer.renderDiagnostic(titled('exit')))
      expect(isAppError(error, 'internal')).toBe(true)
      expect((error as Error).message).toMatch(/exited|crashed/)
      expect(decodePng(await renderer.renderDiagnostic(input)).width).toBe(DEFAULT_SIZE.width)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects the render of a worker that throws outside the handler, then restarts the worker',
    async () => {
      renderer = createChartRenderer({ workerUrl: MISBEHAVING_WORKER })
      const error = await rejection(renderer.renderDiagnostic(titled('throw-uncaught')))
      expect((error as Error).message).toMatch(/crashed|exited/)
      expect(decodePng(await renderer.renderDiagnostic(input)).width).toBe(DEFAULT_SIZE.width)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects a hung render at the deadline, replaces the worker and serves the next request',
    async () => {
      // A deadline a loaded CI machine's first render (wasm, fonts) fits in; the hang never ends.
      renderer = createChartRenderer({ workerUrl: MISBEHAVING_WORKER, timeoutMs: 8000 })
      // Warm the worker so the deadline below is spent on the hang, not on loading wasm.
      await renderer.renderDiagnostic(input)
      const error = await rejection(renderer.renderDiagnostic(titled('hang')))
      expect(isAppError(error, 'internal')).toBe(true)
      expect((error as Error).message).toContain('timed out after 8000 ms')
      expect(decodePng(await renderer.renderDiagnostic(input)).width).toBe(DEFAULT_SIZE.width)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'fails queued renders behind a hung one at their own deadline',
    async () => {
      renderer = createChartRenderer({ workerUrl: MISBEHAVING_WORKER, timeoutMs: 1500 })
      const hung = rejection(renderer.renderDiagnostic(titled('hang')))
      const queued = rejection(renderer.renderDiagnostic(input))
      expect(((await hung) as Error).message).toContain('timed out')
      expect(((await queued) as Error).message).toContain('timed out')
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects renders when the worker script cannot start, without respawning in a loop',
    async () => {
      renderer = createChartRenderer({ workerUrl: new URL('./fixtures/no-such-worker.ts', import.meta.url) })
      expect(((await rejection(renderer.renderDiagnostic(input))) as Error).message).toMatch(/crashed|exited/)
      expect(((await rejection(renderer.renderPrices(priceFixture()))) as Error).message).toMatch(/crashed|exited/)
    },
    WORKER_TEST_TIMEOUT_MS,
  )

  it(
    'rejects pending and later renders once closed',
    async () => {
      renderer = createChartRenderer()
      const pending = rejection(renderer.renderDiagnostic(input))
      await renderer.close()
      expect(((await pending) as Error).message).toContain('closed')
      expect(((await rejection(renderer.renderDiagnostic(input))) as Error).message).toContain('closed')
    },
    WORKER_TEST_TIMEOUT_MS,
  )
})
