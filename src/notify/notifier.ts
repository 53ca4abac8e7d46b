/**
 * The notifier: after each evaluation it feeds the new history rows to the transition rules and
 * queues the resulting messages; it never waits for a send. Before its first evaluation it replays
 * the retained decision history (rows strictly older than that evaluation), so after a restart it
 * knows what each channel was last told and when: nothing is repeated, and a change that happened
 * while the service was down is announced by the first evaluation after it.
 */
import type { Config } from '../config/resolve.ts'
import type { EpochMs } from '../engine/types.ts'
import { describeError } from '../errors.ts'
import type { DecisionRecord } from '../history/record.ts'
import type { HistoryRead } from '../history/store.ts'
import { log } from '../log.ts'
import { createChannel, type Channel } from './channels.ts'
import { DeliveryQueue, type DeliveryOutcome } from './delivery.ts'
import { describeTransition, type MessageContext, testNotification } from './message.ts'
import { type Transition, TransitionTracker, type TransitionRules } from './rules.ts'

/** Where the notifier reads the rows it replays. */
export interface HistorySource {
  read(query: { readonly to: EpochMs; readonly origin: 'live' }): Promise<HistoryRead>
}

export interface NotifierDeps {
  /** null when the history is disabled: the state then starts empty at every start */
  readonly history: HistorySource | null
  readonly onOutcome?: (channel: string, outcome: DeliveryOutcome) => void
  /** replaces the channels built from the config (tests) */
  readonly channels?: readonly Channel[]
}

export interface NotifyTestResult {
  readonly channel: string
  readonly ok: boolean
  readonly error: string | null
}

export function transitionRules(config: Config): TransitionRules {
  const notifications = config.notifications
  return {
    confirmEvaluations: notifications.confirm_evaluations,
    cooldownMs: notifications.cooldown_minutes * 60_000,
    minWithdrawableUsd: notifications.min_withdrawable_usd,
    sendOn: new Map(config.resolved.notification_channels.map((channel) => [channel.name, new Set(channel.sendOn)])),
  }
}

export class Notifier {
  private readonly tracker: TransitionTracker
  private readonly queue: DeliveryQueue
  private readonly context: MessageContext
  readonly channels: readonly Channel[]
  private restored = false

  constructor(
    config: Config,
    private readonly deps: NotifierDeps,
  ) {
    const delivery = config.notifications.delivery
    this.tracker = new TransitionTracker(transitionRules(config))
    this.channels = deps.channels ?? config.resolved.notification_channels.map(createChannel)
    this.queue = new DeliveryQueue(this.channels, {
      timeoutMs: delivery.timeout_seconds * 1000,
      retries: delivery.retries,
      backoffMs: delivery.backoff_seconds * 1000,
      capacity: delivery.queue_size,
      onOutcome: deps.onOutcome,
    })
    this.context = { publicUrl: config.runtime.public_url, timezone: config.settings.timezone }
  }

  /** Queues the messages one evaluation's rows cause; returns them (the queue sends them later). */
  async onEvaluation(records: readonly DecisionRecord[]): Promise<Transition[]> {
    if (records.length === 0) return []
    if (!this.restored) await this.restore(Math.min(...records.map((record) => record.ts)) - 1)
    const transitions = this.tracker.observe(records)
    for (const transition of transitions) this.queue.enqueue(transition.channel, describeTransition(transition, this.context))
    return transitions
  }

  /** Sends a test message to each channel (or the one named), waiting for every outcome. */
  async test(only: string | null, now: EpochMs): Promise<NotifyTestResult[]> {
    const chosen = this.channels.filter((channel) => only === null || channel.name === only)
    const message = testNotification(this.context, now)
    return Promise.all(
      chosen.map(async (channel) => {
        const result = await this.queue.sendNow(channel.name, message)
        return { channel: channel.name, ok: result.ok, error: result.ok ? null : result.error }
      }),
    )
  }

  drain(timeoutMs: number): Promise<boolean> {
    return this.queue.drain(timeoutMs)
  }

  close(): Promise<void> {
    return this.queue.close()
  }

  private async restore(before: EpochMs): Promise<void> {
    this.restored = true
    if (this.deps.history === null) return
    try {
      // Replayed rows are what the rule would have said, never what was sent: only live rows count.
      const read = await this.deps.history.read({ to: before, origin: 'live' })
      for (const problem of read.problems) log.warn('history row skipped while restoring the notifier', { problem })
      this.tracker.observe(read.records)
      log.info('notifier state restored from the decision history', { rows: read.records.length })
    } catch (error) {
      // Without its state the notifier may repeat the current outcome once; it must not stop.
      log.warn('could not read the decision history; notifications start without their previous state', { error: describeError(error) })
    }
  }
}
