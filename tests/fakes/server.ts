/**
 * Scaffolding shared by the fake upstream servers: a `Bun.serve` on 127.0.0.1 with an ephemeral
 * port, a log of every request, and faults that a test switches at runtime.
 *
 *   const fake = startFakeLiqwid()
 *   fake.faults.add({ kind: 'status', status: 500 }, 2)   // the next 2 requests fail
 *   fake.faults.add({ kind: 'hang' })                     // every request after that hangs
 *   fake.faults.clear()
 *   await fake.stop()                                      // also releases hung requests
 */

export type Fault =
  /** answer this HTTP status (body: a short JSON error unless given) */
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  /** answer this JSON value with HTTP 200 (e.g. a GraphQL `errors` body) */
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number }
  /** 200, `application/json`, a body that does not parse */
  | { readonly kind: 'malformed_json' }
  /** 200, `text/html`, an HTML page (a proxy or maintenance page) */
  | { readonly kind: 'non_json' }
  /** the normal answer, after `ms` */
  | { readonly kind: 'delay'; readonly ms: number }
  /** no answer until the server stops */
  | { readonly kind: 'hang' }

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  /** parsed JSON when the body is JSON, else the raw text, else null */
  readonly body: unknown
  /** the body exactly as received (signatures are computed over it) */
  readonly rawBody: string
  readonly receivedAt: number
}

/** Faults applied in order; each one for its number of requests (Infinity: until cleared). */
export class FaultQueue {
  #entries: { fault: Fault; remaining: number }[] = []

  add(fault: Fault, times = Number.POSITIVE_INFINITY): void {
    this.#entries.push({ fault, remaining: times })
  }

  clear(): void {
    this.#entries = []
  }

  take(): Fault | null {
    const entry = this.#entries[0]
    if (!entry) return null
    entry.remaining--
    if (entry.remaining <= 0) this.#entries.shift()
    return entry.fault
  }
}

export interface FakeServer {
  /** base URL without a trailing slash, e.g. `http://127.0.0.1:40123` */
  readonly url: string
  readonly requests: RecordedRequest[]
  readonly faults: FaultQueue
  stop(): Promise<void>
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

export function startFakeServer(handler: Handler): FakeServer {
  const requests: RecordedRequest[] = []
  const faults = new FaultQueue()
  const stopping = new AbortController()
  const whenStopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }))

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    // hung requests must stay open until the test stops the server
    idleTimeout: 0,
    async fetch(raw) {
      const recorded = await record(raw)
      requests.push(recorded)
      const fault = faults.take()
      if (fault?.kind === 'hang') {
        await whenStopped
        return new Response('stopped', { status: 503 })
      }
      if (fault?.kind === 'delay') {
        await Promise.race([Bun.sleep(fault.ms), whenStopped])
        return handler(recorded)
      }
      if (fault) return faultResponse(fault)
      return handler(recorded)
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    faults,
    async stop() {
      stopping.abort()
      await server.stop(true)
    },
  }
}

function faultResponse(fault: Exclude<Fault, { kind: 'hang' | 'delay' }>): Response {
  switch (fault.kind) {
    case 'status':
      return new Response(fault.body ?? JSON.stringify({ error: `injected HTTP ${fault.status}` }), {
        status: fault.status,
        headers: { 'Content-Type': 'application/json' },
      })
    case 'json':
      return json(fault.body, fault.status ?? 200)
    case 'malformed_json':
      return new Response('{"data": {"truncated": ', { status: 200, headers: { 'Content-Type': 'application/json' } })
    case 'non_json':
      return new Response('<html><body>Service temporarily unavailable</body></html>', {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      })
  }
}

async function record(request: Request): Promise<RecordedRequest> {
  const url = new URL(request.url)
  const text = await request.text()
  let body: unknown = text === '' ? null : text
  if (text !== '') {
    try {
      body = JSON.parse(text)
    } catch {
      // keep the raw text: a test may assert on a non-JSON body
    }
  }
  const headers: Record<string, string> = {}
  request.headers.forEach((value, key) => {
    headers[key] = value
  })
  return {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    rawBody: text,
    receivedAt: Date.now(),
  }
}
