/**
 * Work off the main thread: a small pool of Bun Workers that answer one request at a time each.
 * The chart renderer (charts/renderer.ts) and the dashboard's replay (replay/runner.ts) run on it,
 * so a render or a replay never holds `/metrics` or the dashboard for its duration.
 *
 * Every call settles before its deadline: a job that throws rejects with the worker's message; a
 * worker that crashes or overruns the deadline is terminated and replaced, and only the job it held
 * fails. Idle workers do not keep the process alive, and a worker idle for `idleMs` is stopped so
 * the memory it holds (a chart worker's wasm and fonts are ~45 MB) goes back to the system; the
 * next job starts a fresh one.
 *
 * The messages: the pool posts `{ ...request, id }`; a worker answers `WorkerResponse` (`serveWorkerRequests`
 * is the worker's side).
 */
import type { Worker as BunWorker } from 'bun'
import { AppError } from './errors.ts'

export type WorkerResponse<T> =
  | { readonly id: number; readonly ok: true; readonly value: T }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string } }

export interface WorkerPoolOptions {
  /** the worker script */
  readonly url: string | URL
  /** names in error messages: `<job> failed`, `<worker> crashed`, `<pool> is closed` */
  readonly names: { readonly job: string; readonly worker: string; readonly pool: string; readonly component: string }
  /** threads working in parallel; default 1 */
  readonly workers?: number
  /** from the call to its answer, queueing included */
  readonly timeoutMs: number
  /** stop a worker idle this long; null keeps it */
  readonly idleMs?: number | null
  /** start the workers now (a chart worker loads its wasm and fonts before the first request) */
  readonly warm?: boolean
}

export interface WorkerPool<Request, Value> {
  run(request: Request): Promise<Value>
  /** workers alive now (idle ones included) */
  running(): number
  /** Rejects pending jobs, stops the workers. */
  close(): Promise<void>
}

/** close() waits this long for terminated workers to report their exit. */
const CLOSE_WAIT_MS = 1000

interface Job<Request, Value> {
  readonly id: number
  readonly request: Request
  readonly resolve: (value: Value) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
}

interface Slot<Request, Value> {
  readonly worker: BunWorker
  job: Job<Request, Value> | null
  dead: boolean
  idleTimer: ReturnType<typeof setTimeout> | null
}

export function createWorkerPool<Request extends object, Value>(options: WorkerPoolOptions): WorkerPool<Request, Value> {
  const { names, timeoutMs } = options
  const idleMs = options.idleMs ?? null
  const queue: Job<Request, Value>[] = []
  // A slot is empty until work needs it: a worker that dies at start-up (a missing script, a bad
  // build) is replaced when the next job arrives, never in a loop.
  const slots: (Slot<Request, Value> | null)[] = Array.from({ length: Math.max(1, Math.floor(options.workers ?? 1)) }, () => null)
  let nextId = 1
  let closed = false

  const failure = (reason: string, message: string, cause?: unknown) =>
    new AppError('internal', message, { details: { component: names.component, reason }, ...(cause === undefined ? {} : { cause }) })

  function spawn(): Slot<Request, Value> {
    // The global Worker is typed by lib.dom, which lacks Bun's ref()/unref().
    const worker = new Worker(options.url) as unknown as BunWorker
    const slot: Slot<Request, Value> = { worker, job: null, dead: false, idleTimer: null }
    worker.unref()
    worker.addEventListener('message', (event) => onResponse(slot, (event as unknown as MessageEvent<WorkerResponse<Value>>).data))
    worker.addEventListener('error', (event) => retire(slot, failure('crashed', `${names.worker} crashed: ${event.message}`)))
    worker.addEventListener('close', (event) => retire(slot, failure('crashed', `${names.worker} exited (code ${(event as CloseEvent).code})`)))
    return slot
  }

  /** Fails the slot's job (if any), terminates its worker and frees its place for a fresh one. */
  function retire(slot: Slot<Request, Value>, error: AppError | null): void {
    if (slot.dead) return
    slot.dead = true
    if (slot.idleTimer) clearTimeout(slot.idleTimer)
    const job = slot.job
    slot.job = null
    if (job && error) settle(job, error)
    slot.worker.terminate()
    const index = slots.indexOf(slot)
    if (index >= 0) slots[index] = null
    pump()
  }

  function settle(job: Job<Request, Value>, outcome: { value: Value } | Error): void {
    clearTimeout(job.timer)
    if (outcome instanceof Error) job.reject(outcome)
    else job.resolve(outcome.value)
  }

  function onResponse(slot: Slot<Request, Value>, response: WorkerResponse<Value>): void {
    const job = slot.job
    if (!job || job.id !== response.id) return
    slot.job = null
    slot.worker.unref()
    if (response.ok) settle(job, { value: response.value })
    else settle(job, failure('job_failed', `${names.job} failed: ${response.error.message}`))
    pump()
    if (!slot.job && !slot.dead && idleMs !== null) slot.idleTimer = setTimeout(() => retire(slot, null), idleMs)
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
        // a request that cannot be cloned (a function, a class instance with private state)
        settle(job, failure('bad_input', `${names.job} input cannot be sent to the worker: ${(error as Error).message}`, error))
        i--
        continue
      }
      if (slot.idleTimer) clearTimeout(slot.idleTimer)
      slot.idleTimer = null
      slot.job = job
      slot.worker.ref()
    }
  }

  function onDeadline(id: number): void {
    const queued = queue.findIndex((job) => job.id === id)
    const error = failure('timeout', `${names.job} timed out after ${timeoutMs} ms`)
    if (queued >= 0) {
      const [job] = queue.splice(queued, 1)
      job!.reject(error)
      return
    }
    // A job cannot be interrupted from outside: the worker itself goes.
    const slot = slots.find((s) => s?.job?.id === id)
    if (slot) retire(slot, error)
  }

  if (options.warm) for (let i = 0; i < slots.length; i++) slots[i] = spawn()

  return {
    run(request: Request): Promise<Value> {
      if (closed) return Promise.reject(failure('closed', `${names.pool} is closed`))
      return new Promise<Value>((resolve, reject) => {
        const id = nextId++
        const timer = setTimeout(() => onDeadline(id), timeoutMs)
        queue.push({ id, request, resolve, reject, timer })
        pump()
      })
    },
    running: () => slots.filter((slot) => slot !== null).length,
    async close() {
      if (closed) return
      closed = true
      const error = failure('closed', `${names.pool} closed before the ${names.job} finished`)
      for (const job of queue.splice(0)) settle(job, error)
      const running = slots.filter((slot): slot is Slot<Request, Value> => slot !== null)
      slots.fill(null)
      const exits = running.map((slot) => {
        slot.dead = true
        if (slot.idleTimer) clearTimeout(slot.idleTimer)
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

/** The worker's side: answer every request with `handle`'s value, transferring what it names. */
export function serveWorkerRequests<Request, Value>(
  scope: { addEventListener: Worker['addEventListener']; postMessage: Worker['postMessage'] },
  handle: (request: Request) => Promise<{ value: Value; transfer?: Transferable[] }>,
  afterEach?: () => void,
): void {
  scope.addEventListener('message', async (event: MessageEvent<Request & { id: number }>) => {
    const response = await answer(event.data, handle)
    scope.postMessage(response.message, response.transfer)
    afterEach?.()
  })
}

/** One request's answer, never a throw (a failure is the answer's `error`). */
export async function answer<Request, Value>(
  request: Request & { id: number },
  handle: (request: Request) => Promise<{ value: Value; transfer?: Transferable[] }>,
): Promise<{ message: WorkerResponse<Value>; transfer: Transferable[] }> {
  try {
    const { value, transfer } = await handle(request)
    return { message: { id: request.id, ok: true, value }, transfer: transfer ?? [] }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) }
    return { message: { id: request.id, ok: false, error: { name, message } }, transfer: [] }
  }
}
