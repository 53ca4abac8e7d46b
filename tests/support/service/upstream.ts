/**
 * A gate in front of a fake upstream (tests/fakes): forwards every request, except that a test
 * can hold requests until it releases them (a sync that is still running, an evaluation in
 * progress) or fail the Liqwid history requests of chosen wallets with a GraphQL error.
 * Waiting for requests is event-driven: `await gate.arrived(1)` resolves when the first came in.
 *
 *   const gate = startUpstreamGate(liqwid.url)
 *   gate.hold()
 *   const pending = app.request('/api/sync/transactions', { method: 'POST' })
 *   await gate.arrived(1)            // the sync is now waiting on Liqwid
 *   gate.release()
 */
export interface UpstreamGate {
  /** the gate's base URL */
  readonly url: string
  /** `<url>/graphql`, for a Liqwid endpoint */
  readonly endpoint: string
  /** requests received so far (held ones included) */
  readonly count: number
  /** from now on, requests wait until `release()` */
  hold(): void
  /** lets every held and future request through */
  release(): void
  /** resolves once `n` requests have arrived in total */
  arrived(n: number): Promise<void>
  /** answers the history requests of `wallet` with a GraphQL error (no retry helps) */
  failWallet(wallet: string, message: string): void
  clearFailures(): void
  stop(): Promise<void>
}

export function startUpstreamGate(target: string): UpstreamGate {
  let count = 0
  let gate: Promise<void> = Promise.resolve()
  let open: () => void = () => {}
  const waiters: { n: number; resolve: () => void }[] = []
  const failures = new Map<string, string>()

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const body = await request.text()
      count++
      for (const waiter of waiters.filter((w) => count >= w.n)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
      const wallet = walletOf(body)
      const failure = wallet === null ? undefined : failures.get(wallet)
      if (failure !== undefined) return Response.json({ errors: [{ message: failure }] })
      await gate
      const upstream = await fetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers: { 'Content-Type': request.headers.get('content-type') ?? 'application/json' },
        body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
      })
      return new Response(await upstream.arrayBuffer(), {
        status: upstream.status,
        headers: { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' },
      })
    },
  })
  const url = `http://127.0.0.1:${server.port}`

  return {
    url,
    endpoint: `${url}/graphql`,
    get count() {
      return count
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve))
    },
    release() {
      open()
      gate = Promise.resolve()
    },
    arrived(n) {
      if (count >= n) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ n, resolve }))
    },
    failWallet(wallet, message) {
      failures.set(wallet, message)
    },
    clearFailures() {
      failures.clear()
    },
    async stop() {
      open()
      await server.stop(true)
    },
  }
}

function walletOf(body: string): string | null {
  try {
    const addresses = (JSON.parse(body) as { variables?: { input?: { addresses?: unknown } } }).variables?.input?.addresses
    return Array.isArray(addresses) && typeof addresses[0] === 'string' ? addresses[0] : null
  } catch {
    return null
  }
}
