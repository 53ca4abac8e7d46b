import { describe, expect, it } from 'bun:test'
import { createAuthenticator } from './auth.ts'
import { HashQueueFull, LoginThrottle } from './throttle.ts'

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
const ARGON2 = Bun.password.hashSync('right', { algorithm: 'argon2id', memoryCost: 1024, timeCost: 1 })

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

/** A check the test finishes by hand, counting how many run at once. */
function heldChecks() {
  let running = 0
  let peak = 0
  const releases: (() => void)[] = []
  const check = () =>
    new Promise<boolean>((resolve) => {
      running++
      peak = Math.max(peak, running)
      releases.push(() => {
        running--
        resolve(false)
      })
    })
  return { check, releases, peak: () => peak, running: () => running }
}

describe('failed attempts per client', () => {
  it('blocks a client after maxFailures within the window, then lets it try again', () => {
    const clock = manualClock()
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: clock.now })
    for (let failure = 0; failure < 3; failure++) {
      expect(throttle.retryAfterSeconds('a')).toBeNull()
      throttle.recordFailure('a')
    }
    expect(throttle.retryAfterSeconds('a')).toBe(60)
    expect(throttle.retryAfterSeconds('b')).toBeNull()
    clock.advance(59_500)
    expect(throttle.retryAfterSeconds('a')).toBe(1)
    clock.advance(500)
    expect(throttle.retryAfterSeconds('a')).toBeNull()
  })

  it('forgets a client that logged in', () => {
    const throttle = new LoginThrottle({ maxFailures: 2, now: manualClock().now })
    throttle.recordFailure('a')
    throttle.recordSuccess('a')
    throttle.recordFailure('a')
    expect(throttle.retryAfterSeconds('a')).toBeNull()
  })

  it('remembers at most maxClients, forgetting the oldest', () => {
    const throttle = new LoginThrottle({ maxFailures: 1, maxClients: 3, now: manualClock().now })
    for (const client of ['a', 'b', 'c', 'd']) throttle.recordFailure(client)
    expect(throttle.retryAfterSeconds('a')).toBeNull()
    for (const client of ['b', 'c', 'd']) expect(throttle.retryAfterSeconds(client)).not.toBeNull()
  })
})

describe('slow hash checks', () => {
  it('run at most maxConcurrentHashes at once, the others in order as slots free', async () => {
    const throttle = new LoginThrottle({ maxConcurrentHashes: 2, maxWaitingHashes: 10 })
    const held = heldChecks()
    const results = Array.from({ length: 6 }, () => throttle.hashSlot(held.check))
    for (let round = 0; round < 3; round++) {
      await Bun.sleep(0)
      expect(held.running()).toBe(2)
      held.releases.shift()!()
      held.releases.shift()!()
    }
    await Promise.all(results)
    expect(held.peak()).toBe(2)
  })

  it('are refused at once when maxWaitingHashes already wait', async () => {
    const throttle = new LoginThrottle({ maxConcurrentHashes: 1, maxWaitingHashes: 1 })
    const held = heldChecks()
    const first = throttle.hashSlot(held.check)
    const second = throttle.hashSlot(held.check)
    await expect(throttle.hashSlot(held.check)).rejects.toBeInstanceOf(HashQueueFull)
    held.releases.shift()!()
    await Bun.sleep(0)
    held.releases.shift()!()
    await Promise.all([first, second])
  })
})

describe('the authenticator with the throttle', () => {
  it('answers a remembered login at once while every hash slot is taken by an attack', async () => {
    const throttle = new LoginThrottle({ maxConcurrentHashes: 1, maxWaitingHashes: 1 })
    const auth = createAuthenticator({ mode: 'password_hash', username: 'ops', secret: ARGON2 }, { throttle })
    expect(await auth.check(basic('ops', 'right'), 'user')).toEqual({ ok: true, user: 'ops' })
    const held = heldChecks()
    const occupied = [throttle.hashSlot(held.check), throttle.hashSlot(held.check)]
    expect(await auth.check(basic('ops', 'right'), 'user')).toEqual({ ok: true, user: 'ops' })
    expect(await auth.check(basic('ops', 'wrong'), 'attacker')).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 })
    held.releases.shift()!()
    await Bun.sleep(0)
    held.releases.shift()!()
    await Promise.all(occupied)
  })

  it('computes no hash for a blocked client and forgets a success after its time', async () => {
    const clock = manualClock()
    const throttle = new LoginThrottle({ maxFailures: 2, now: clock.now })
    const auth = createAuthenticator({ mode: 'password_hash', username: 'ops', secret: ARGON2 }, { throttle, now: clock.now })
    expect(await auth.check(basic('ops', 'right'), 'c')).toEqual({ ok: true, user: 'ops' })
    clock.advance(61_000)
    expect((await auth.check(basic('ops', 'x'), 'c')).ok).toBe(false)
    expect((await auth.check(basic('ops', 'y'), 'c')).ok).toBe(false)
    // the remembered success expired: the right password now waits for the window like any other
    expect(await auth.check(basic('ops', 'right'), 'c')).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 60 })
  })
})
