/**
 * Login throttling: failed password checks are limited per client address, and slow hash checks
 * (bcrypt, argon2: tens of milliseconds of CPU each) run a few at a time. Without it, 64
 * connections sending wrong passwords kept the CPU on argon2 and a real login waited seconds.
 *
 * A client past `maxFailures` failed checks within `windowMs` is answered 429 with Retry-After
 * until its window ends, without any hash being computed. At most `maxConcurrentHashes` slow
 * checks run at once; when `maxWaitingHashes` more already wait, a check is refused at once (429)
 * rather than queued behind the attack. A success clears the client's count. The clock is
 * injected so that tests never wait.
 */
export interface LoginThrottleOptions {
  readonly maxFailures: number
  readonly windowMs: number
  readonly maxConcurrentHashes: number
  readonly maxWaitingHashes: number
  /** clients remembered at once; past it, the oldest windows are forgotten */
  readonly maxClients: number
  readonly now: () => number
}

export const LOGIN_THROTTLE_DEFAULTS: LoginThrottleOptions = {
  maxFailures: 10,
  windowMs: 60_000,
  maxConcurrentHashes: 2,
  maxWaitingHashes: 32,
  maxClients: 10_000,
  now: () => Date.now(),
}

/** Thrown by `hashSlot` when too many checks already wait: the caller answers 429. */
export class HashQueueFull extends Error {
  override readonly name = 'HashQueueFull'
}

interface FailureWindow {
  count: number
  resetAt: number
}

export class LoginThrottle {
  readonly #options: LoginThrottleOptions
  readonly #failures = new Map<string, FailureWindow>()
  #running = 0
  readonly #waiting: (() => void)[] = []

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { ...LOGIN_THROTTLE_DEFAULTS, ...options }
  }

  /** Seconds until `client` may try again, or null when it may try now. */
  retryAfterSeconds(client: string): number | null {
    const window = this.#failures.get(client)
    if (!window) return null
    const now = this.#options.now()
    if (window.resetAt <= now) {
      this.#failures.delete(client)
      return null
    }
    return window.count >= this.#options.maxFailures ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : null
  }

  recordFailure(client: string): void {
    const now = this.#options.now()
    const window = this.#failures.get(client)
    if (window && window.resetAt > now) {
      window.count++
      return
    }
    this.#failures.delete(client)
    if (this.#failures.size >= this.#options.maxClients) this.#forgetOldest(now)
    this.#failures.set(client, { count: 1, resetAt: now + this.#options.windowMs })
  }

  recordSuccess(client: string): void {
    this.#failures.delete(client)
  }

  /** Runs a slow check when a slot is free; rejects with HashQueueFull when too many wait. */
  async hashSlot<T>(check: () => Promise<T>): Promise<T> {
    if (this.#running < this.#options.maxConcurrentHashes) this.#running++
    else {
      if (this.#waiting.length >= this.#options.maxWaitingHashes) throw new HashQueueFull('too many password checks waiting')
      // woken by a finishing check, which hands its slot over (#running stays counted)
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    }
    try {
      return await check()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }

  /** Expired windows first, then the oldest (a Map iterates in insertion order). */
  #forgetOldest(now: number): void {
    for (const [client, window] of this.#failures) if (window.resetAt <= now) this.#failures.delete(client)
    const excess = this.#failures.size - this.#options.maxClients + 1
    let dropped = 0
    for (const client of this.#failures.keys()) {
      if (dropped++ >= excess) break
      this.#failures.delete(client)
    }
  }
}
