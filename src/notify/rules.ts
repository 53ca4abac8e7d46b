/**
 * When to tell: the transition rules of the notifier, pure and replayable. Fed the history rows one
 * evaluation at a time, a `TransitionTracker` answers which messages each channel gets. Because the
 * answer depends only on the rows and the rules, replaying the retained history after a restart
 * rebuilds exactly the state the service had: what each channel was last told per asset and when.
 * A restart therefore repeats nothing, and the first evaluation after it announces any change that
 * happened while the service was down.
 *
 * Per asset and channel:
 * - an outcome (WITHDRAW_OK, HOLD, ERROR) counts once it held `confirm_evaluations` times in a row;
 * - a confirmed outcome that differs from the last one told is announced: `withdraw_ok`, `hold`,
 *   `error`, or `recovered` when it leaves an ERROR;
 * - a WITHDRAW_OK below `min_withdrawable_usd` is not announced (it is once it grows);
 * - at most one message per asset and kind within `cooldown_minutes`: a suppressed change stays
 *   pending and goes out at the first evaluation after the cooldown, so none is lost;
 * - a kind missing from the channel's `send_on` is not sent, but the outcome counts as told (after
 *   an unannounced HOLD, the next WITHDRAW_OK is news again); a recovery falls back to its outcome's
 *   kind when only that one is wanted;
 * - the very first outcome known for an asset is announced unless it is a HOLD (nothing to retract).
 */
import type { DecisionCode, EpochMs } from '../engine/types.ts'
import type { DecisionRecord } from '../history/record.ts'

export const NOTIFICATION_KINDS = ['withdraw_ok', 'hold', 'error', 'recovered'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]
type Outcome = Exclude<NotificationKind, 'recovered'>

export interface TransitionRules {
  readonly confirmEvaluations: number
  readonly cooldownMs: number
  readonly minWithdrawableUsd: number
  /** per channel name: the kinds it wants */
  readonly sendOn: ReadonlyMap<string, ReadonlySet<NotificationKind>>
}

/** One message to send: which channel, which kind, about which evaluation row. */
export interface Transition {
  readonly channel: string
  readonly kind: NotificationKind
  readonly record: DecisionRecord
  /** the outcome told before, null for the first one */
  readonly previous: Outcome | null
}

const OUTCOME: Record<DecisionCode, Outcome> = { 1: 'withdraw_ok', 0: 'hold', [-1]: 'error' }

interface ChannelState {
  told: Outcome | null
  readonly lastSent: Map<NotificationKind, EpochMs>
}

interface AssetState {
  outcome: Outcome | null
  streak: number
  lastTs: EpochMs
  readonly channels: Map<string, ChannelState>
}

export class TransitionTracker {
  private readonly assets = new Map<string, AssetState>()

  constructor(private readonly rules: TransitionRules) {}

  /** Rows of one evaluation (or of history, oldest first); returns the messages they cause. */
  observe(records: readonly DecisionRecord[]): Transition[] {
    const transitions: Transition[] = []
    for (const record of records) transitions.push(...this.observeOne(record))
    return transitions
  }

  /** What each channel was last told about `asset` (for logs and tests). */
  told(asset: string, channel: string): Outcome | null {
    return this.assets.get(asset)?.channels.get(channel)?.told ?? null
  }

  private observeOne(record: DecisionRecord): Transition[] {
    const state = this.assets.get(record.asset) ?? { outcome: null, streak: 0, lastTs: -Infinity, channels: new Map() }
    this.assets.set(record.asset, state)
    // A row older than one already seen (clock step, replay overlap) changes nothing.
    if (record.ts <= state.lastTs) return []
    state.lastTs = record.ts
    const outcome = OUTCOME[record.decision]
    state.streak = outcome === state.outcome ? state.streak + 1 : 1
    state.outcome = outcome
    if (state.streak < this.rules.confirmEvaluations) return []
    const transitions: Transition[] = []
    for (const [channel, wanted] of this.rules.sendOn) {
      const told = state.channels.get(channel) ?? { told: null, lastSent: new Map() }
      state.channels.set(channel, told)
      const kind = this.decide(told, outcome, record, wanted)
      if (kind === null) continue
      transitions.push({ channel, kind, record, previous: told.told })
      told.told = outcome
      told.lastSent.set(kind, record.ts)
    }
    return transitions
  }

  /** The kind to send now, or null (updating `state.told` where the outcome counts as told silently). */
  private decide(state: ChannelState, outcome: Outcome, record: DecisionRecord, wanted: ReadonlySet<NotificationKind>): NotificationKind | null {
    if (state.told === outcome) return null
    if (outcome === 'withdraw_ok' && record.withdrawableUsd < this.rules.minWithdrawableUsd) return null
    if (state.told === null && outcome === 'hold') {
      state.told = outcome
      return null
    }
    const preferred: NotificationKind = state.told === 'error' ? 'recovered' : outcome
    const kind = wanted.has(preferred) ? preferred : wanted.has(outcome) ? outcome : null
    if (kind === null) {
      state.told = outcome
      return null
    }
    const last = state.lastSent.get(kind)
    if (last !== undefined && record.ts - last < this.rules.cooldownMs) return null
    return kind
  }
}
