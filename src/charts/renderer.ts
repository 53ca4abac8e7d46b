/**
 * Charts rendered off the main thread. A render is ~80 ms of pure CPU (layout, text shaping,
 * rasterising, deflate); on the event loop it would hold `/metrics` for as long. Here a small pool
 * of Bun Workers renders while the main thread only clones inputs and receives PNG bytes.
 *
 * Every call settles before its deadline: a render that throws rejects with the worker's message;
 * a worker that crashes or overruns the deadline is terminated and replaced, and only the job it
 * held fails. Idle workers do not keep the process alive.
 *
 * Compiled binaries: list the worker as an additional entrypoint,
 *   bun build --compile src/main.ts src/charts/worker.ts --outfile dist/alert-orchestrator
 * Bun then embeds it at /$bunfs/root/charts/worker.js (paths relative to the entrypoints' common
 * directory), which `defaultWorkerUrl` finds.
 */

import type { Worker as BunWorker } from 'bun'
import { AppError } from '../errors.ts'
import { workerScriptUrl } from '../worker-url.ts'
import type { RenderRequest, RenderResponse } from './protocol.ts'
import type { DiagnosticChartInput, PriceChartInput } from './types.ts'

export interface ChartRenderer {
  renderDiagnostic(input: DiagnosticChartInput): Promise<Uint8Array>
  renderPrices(input: PriceChartInput): Promise<Uint8Array>
  /** Rejects pending renders, stops the workers. */
  close(): Promise<void>
}

export interface ChartRendererOptions {
  /** threads rendering in parallel; default 1 */
  readonly workers?: number
  /** from the call to its PNG, queueing included; default 10 s (a warm render takes ~0.1 s, a cold worker ~1 s) */
  readonly timeoutMs?: number
  /** the worker script; default: worker.ts beside this module, or its embedded copy in a compiled binary */
  readonly workerUrl?: string | URL
}

export const DEFAULT_RENDER_TIMEOUT_MS = 10_000
/** close() waits this long for terminated workers to report their exit. */
const CLOSE_WAIT_MS = 1000

type Request = RenderRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

interface Job {
  readonly id: number
  readonly request: Request
  readonly resolve: (png: Uint8Array) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
}

interface Slot {
  readonly worker: BunWorker
  job: Job | null
  dead: boolean
}

/** Where the worker script is: beside this file, or embedded in a compiled binary. */
export function defaultWorkerUrl(): URL {
  return workerScriptUrl(import.meta.url, './worker.ts', 'charts/worker.js')
}

function renderError(reason: string, message: string, cause?: unknown): AppError {
  return new AppError('internal', message, { details: { component: 'charts', reason }, ...(cause === undefined ? {} : { cause }) })
}

export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  const workerCount = Math.max(1, Math.floor(options.workers ?? 1))
  const timeoutMs = options.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS
  const workerUrl = options.workerUrl ?? defaultWorkerUrl()
  const queue: Job[] = []
  // A slot is empty until work needs it: a worker that dies at start-up (a missing script, a bad
  // build) is replaced when the next job arrives, never in a loop.
  const slots: (Slot | null)[] = Array.from({ length: workerCount }, () => null)
  let nextId = 1
  let closed = false

  function spawn(): Slot {
    // The global Worker is typed by lib.dom, which lacks Bun's ref()/unref().
    const worker = new Worker(workerUrl) as unknown as BunWorker
    const slot: Slot = { worker, job: null, dead: false }
    worker.unref()
    worker.addEventListener('message', (event) => onResponse(slot, (event as unknown as MessageEvent<RenderResponse>).data))
    worker.addEventListener('error', (event) => retire(slot, renderError('crashed', `chart worker crashed: ${event.message}`)))
    worker.addEventListener('close', (event) => retire(slot, renderError('crashed', `chart worker exited (code ${(event as CloseEvent).code})`)))
    return slot
  }

  /** Fails the slot's job, terminates its worker and frees its place for a fresh one. */
  function retire(slot: Slot, error: AppError): void {
    if (slot.dead) return
    slot.dead = true
    const job = slot.job
    slot.job = null
    if (job) settle(job, error)
    slot.worker.terminate()
    const index = slots.indexOf(slot)
    if (index >= 0) slots[index] = null
    pump()
  }

  function settle(job: Job, outcome: Uint8Array | Error): void {
    clearTimeout(job.timer)
    if (outcome instanceof Error) job.reject(outcome)
    else job.resolve(outcome)
  }

  function onResponse(slot: Slot, response: RenderResponse): void {
    const job = slot.job
    if (!job || job.id !== response.id) return
    slot.job = null
    slot.worker.unref()
    if (response.ok) settle(job, response.png)
    else settle(job, renderError('render_failed', `chart render failed: ${response.error.message}`))
    pump()
  }

  function pump(): void {
    for (let i = 0; i < slots.length && queue.length > 0 && !closed; i++) {
      slots[i] ??= spawn()
      const slot = slots[i]!
      if (slot.job) continue
      const job = queue.shift()!
      try {
        slot.worker.postMessage({ ...job.request, id: job.id })
      } catch (error) {
        // an input that cannot be cloned (a function, a class instance with private state)
        settle(job, renderError('bad_input', `chart input cannot be sent to the worker: ${(error as Error).message}`, error))
        i--
        continue
      }
      slot.job = job
      slot.worker.ref()
    }
  }

  function onDeadline(id: number): void {
    const queued = queue.findIndex((job) => job.id === id)
    const error = renderError('timeout', `chart render timed out after ${timeoutMs} ms`)
    if (queued >= 0) {
      const [job] = queue.splice(queued, 1)
      job!.reject(error)
      return
    }
    // A render cannot be interrupted from outside: the worker itself goes.
    const slot = slots.find((s) => s?.job?.id === id)
    if (slot) retire(slot, error)
  }

  function submit(request: Request): Promise<Uint8Array> {
    if (closed) return Promise.reject(renderError('closed', 'chart renderer is closed'))
    return new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++
      const timer = setTimeout(() => onDeadline(id), timeoutMs)
      queue.push({ id, request, resolve, reject, timer })
      pump()
    })
  }

  // Start the workers now so fonts and wasm load before the first chart is asked for.
  for (let i = 0; i < workerCount; i++) slots[i] = spawn()

  return {
    renderDiagnostic: (input) => submit({ kind: 'diagnostic', input }),
    renderPrices: (input) => submit({ kind: 'prices', input }),
    async close() {
      if (closed) return
      closed = true
      const error = renderError('closed', 'chart renderer closed before the render finished')
      for (const job of queue.splice(0)) settle(job, error)
      const running = slots.filter((slot): slot is Slot => slot !== null)
      slots.fill(null)
      const exits = running.map((slot) => {
        slot.dead = true
        if (slot.job) settle(slot.job, error)
        slot.job = null
        const exited = new Promise<void>((resolve) => slot.worker.addEventListener('close', () => resolve(), { once: true }))
        slot.worker.terminate()
        return exited
      })
      let timer: ReturnType<typeof setTimeout> | undefined
      const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))
      await Promise.race([Promise.all(exits), patience])
      clearTimeout(timer)
    },
  }
}
