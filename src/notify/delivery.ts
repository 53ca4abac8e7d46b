/**
 * Delivery: a bounded queue per channel, so sending never blocks or delays an evaluation and one
 * failing channel never holds up the others. Each message gets `retries + 1` attempts, each under
 * its own deadline, with a backoff doubling from `backoffMs` between them; a refusal that a retry
 * cannot fix (HTTP 4xx, SMTP 5xx, Telegram `ok: false`) is not retried. Every end of a message is
 * reported through `onOutcome`: sent, failed (gave up), dropped (queue full, or closing); every
 * retry too.
 */
import { describeError } from '../errors.ts'
import { log } from '../log.ts'
import { sleep } from '../sources/http.ts'
import { type Channel, SendFailure } from './channels.ts'
import type { Notification } from './message.ts'

export type DeliveryOutcome = 'sent' | 'retried' | 'failed' | 'dropped'

export interface DeliveryOptions {
  readonly timeoutMs: number
  readonly retries: number
  readonly backoffMs: number
  /** messages waiting per channel; beyond, the oldest is dropped */
  readonly capacity: number
  readonly onOutcome?: (channel: string, outcome: DeliveryOutcome) => void
}

interface Lane {
  readonly channel: Channel
  readonly waiting: Notification[]
  running: Promise<void> | null
}

export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>()
  private readonly stopping = new AbortController()

  constructor(
    channels: readonly Channel[],
    private readonly options: DeliveryOptions,
  ) {
    for (const channel of channels) this.lanes.set(channel.name, { channel, waiting: [], running: null })
  }

  /** Queues a message for one channel and returns at once. */
  enqueue(channelName: string, notification: Notification): void {
    const lane = this.lanes.get(channelName)
    if (!lane) return
    if (this.stopping.signal.aborted) {
      this.report(channelName, 'dropped')
      return
    }
    lane.waiting.push(notification)
    while (lane.waiting.length > this.options.capacity) {
      const dropped = lane.waiting.shift()!
      log.warn('notification dropped: the queue is full', { channel: channelName, asset: dropped.asset, kind: dropped.kind })
      this.report(channelName, 'dropped')
    }
    lane.running ??= this.work(lane).finally(() => {
      lane.running = null
    })
  }

  /** Sends one message now (notify-test): the same attempts, deadline and retries, awaited. */
  async sendNow(channelName: string, notification: Notification): Promise<{ ok: true } | { ok: false; error: string }> {
    const lane = this.lanes.get(channelName)
    if (!lane) return { ok: false, error: `no channel named '${channelName}'` }
    return this.deliver(lane.channel, notification)
  }

  /** Resolves when every queue is empty, or after `timeoutMs` (returns false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    const idle = async () => {
      for (;;) {
        const running = [...this.lanes.values()].map((lane) => lane.running).filter((p): p is Promise<void> => p !== null)
        if (running.length === 0) return true
        await Promise.all(running)
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    try {
      return await Promise.race([idle(), late])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Stops: attempts in flight are aborted, waiting messages dropped (and counted). */
  async close(): Promise<void> {
    this.stopping.abort(new Error('notifier closing'))
    for (const lane of this.lanes.values()) {
      for (const _ of lane.waiting.splice(0)) this.report(lane.channel.name, 'dropped')
      await lane.running?.catch(() => {})
      lane.channel.close?.()
    }
  }

  private async work(lane: Lane): Promise<void> {
    for (let next = lane.waiting.shift(); next !== undefined; next = lane.waiting.shift()) {
      const result = await this.deliver(lane.channel, next)
      if (!result.ok && this.stopping.signal.aborted) break
    }
  }

  private async deliver(channel: Channel, notification: Notification): Promise<{ ok: true } | { ok: false; error: string }> {
    const attempts = this.options.retries + 1
    let lastError = ''
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.stopping.signal.aborted) {
        this.report(channel.name, 'dropped')
        return { ok: false, error: 'notifier closing' }
      }
      const deadline = AbortSignal.timeout(this.options.timeoutMs)
      let retryable = true
      try {
        await channel.send(notification, AbortSignal.any([deadline, this.stopping.signal]))
        this.report(channel.name, 'sent')
        log.info('notification sent', { channel: channel.name, asset: notification.asset, kind: notification.kind, attempts: attempt })
        return { ok: true }
      } catch (error) {
        if (deadline.aborted) lastError = `${channel.name}: no answer within ${this.options.timeoutMs} ms`
        else if (this.stopping.signal.aborted) lastError = 'notifier closing'
        else lastError = describeError(error)
        if (error instanceof SendFailure) retryable = error.retryable
      }
      if (!retryable || attempt === attempts || this.stopping.signal.aborted) break
      this.report(channel.name, 'retried')
      log.warn('notification attempt failed; retrying', { channel: channel.name, attempt, error: lastError })
      await sleep(this.options.backoffMs * 2 ** (attempt - 1), this.stopping.signal).catch(() => {})
    }
    this.report(channel.name, 'failed')
    log.error('notification not delivered', { channel: channel.name, asset: notification.asset, kind: notification.kind, error: lastError })
    return { ok: false, error: lastError }
  }

  private report(channel: string, outcome: DeliveryOutcome): void {
    this.options.onOutcome?.(channel, outcome)
  }
}
