/**
 * What a notification says: one plain sentence that tells the supplier what to do, e.g.
 *   "DJED: withdraw up to 91.00 USD (≈ 90.98 DJED) across 3 wallets — gain since 27 Nov +182 USD"
 *   "USDC: hold — <the reason>"
 * a short title, a link to the dashboard when `runtime.public_url` is set, and (for the webhook)
 * every field of the decision as JSON.
 */
import { DECISION_LABEL, type EpochMs } from '../engine/types.ts'
import type { DecisionRecord } from '../history/record.ts'
import type { NotificationKind, Transition } from './rules.ts'

export interface Notification {
  readonly kind: NotificationKind | 'test'
  readonly asset: string
  readonly title: string
  readonly text: string
  /** the dashboard, when runtime.public_url is set */
  readonly url: string | null
  readonly record: DecisionRecord | null
  readonly previous: string | null
}

export interface MessageContext {
  readonly publicUrl: string | null
  /** IANA zone for dates in the text ("gain since 27 Nov") */
  readonly timezone: string
}

/** 5,812.4 → "5.8k", 182.3 → "182", 23.56 → "23.56" (what a phone screen has room for). */
export function compactAmount(value: number): string {
  const size = Math.abs(value)
  if (size >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`
  if (size >= 1_000) return `${(value / 1_000).toFixed(1)}k`
  if (size >= 100) return value.toFixed(0)
  return value.toFixed(2)
}

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${compactAmount(Math.abs(value))}`

function shortDate(ms: EpochMs, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: timezone }).format(ms)
}

function withdrawSentence(record: DecisionRecord, context: MessageContext): string {
  const symbol = record.asset.toUpperCase()
  let text = `withdraw up to ${record.withdrawableUsd.toFixed(2)} USD`
  if (record.priceT1Usd !== null && record.priceT1Usd > 0) text += ` (≈ ${(record.withdrawableUsd / record.priceT1Usd).toFixed(2)} ${symbol})`
  const wallets = record.walletCount ?? 0
  if (wallets > 0) text += ` across ${wallets} ${wallets === 1 ? 'wallet' : 'wallets'}`
  if (record.gUsd !== null) {
    const since = record.t0 !== null && record.t0 !== undefined ? ` since ${shortDate(record.t0, context.timezone)}` : ''
    text += ` — gain${since} ${signed(record.gUsd)} USD`
  }
  return text
}

function outcomeSentence(record: DecisionRecord, context: MessageContext): string {
  if (record.decision === 1) return withdrawSentence(record, context)
  const reason = record.reasonText.trim()
  const word = record.decision === 0 ? 'hold' : 'error'
  return reason === '' ? word : `${word} — ${reason}`
}

export function describeTransition(transition: Transition, context: MessageContext): Notification {
  const { record, kind } = transition
  const symbol = record.asset.toUpperCase()
  const sentence = outcomeSentence(record, context)
  const text = kind === 'recovered' ? `${symbol}: recovered — now ${sentence}` : `${symbol}: ${sentence}`
  const label = kind === 'recovered' ? `recovered, ${DECISION_LABEL[record.decision]}` : DECISION_LABEL[record.decision]
  return {
    kind,
    asset: record.asset,
    title: `${symbol}: ${label}`,
    text,
    url: context.publicUrl === null ? null : `${context.publicUrl}/`,
    record,
    previous: transition.previous,
  }
}

/** What `notify-test` sends: recognisable, and clearly not a decision. */
export function testNotification(context: MessageContext, now: EpochMs): Notification {
  return {
    kind: 'test',
    asset: '',
    title: 'Alert Orchestrator: test message',
    text: `Test message from alert-orchestrator at ${new Date(now).toISOString()}: this channel works.`,
    url: context.publicUrl === null ? null : `${context.publicUrl}/`,
    record: null,
    previous: null,
  }
}

/** The text with the link on its own line, for channels without a separate link field. */
export function textWithLink(notification: Notification): string {
  return notification.url === null ? notification.text : `${notification.text}\n${notification.url}`
}

const iso = (ms: EpochMs | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString())

/** The webhook body: the message and every field of the decision. */
export function webhookBody(notification: Notification) {
  const record = notification.record
  return {
    kind: notification.kind,
    asset: notification.asset,
    title: notification.title,
    text: notification.text,
    url: notification.url,
    previous: notification.previous,
    decision:
      record === null
        ? null
        : {
            ts: iso(record.ts),
            asset: record.asset,
            decision: record.decision,
            decision_label: DECISION_LABEL[record.decision],
            reason_code: record.reasonCode,
            reason_text: record.reasonText,
            withdrawable_usd: record.withdrawableUsd,
            wmax_usd: record.wmaxUsd,
            g_usd: record.gUsd,
            v_t1_usd: record.vT1Usd,
            price_t1_usd: record.priceT1Usd,
            gate_residual_usd: record.gateResidualUsd,
            gate_threshold_usd: record.gateThresholdUsd,
            price_delta_rel: record.priceDeltaRel,
            evaluation_duration_ms: record.durationMs,
            t0: iso(record.t0),
            wallets: record.walletCount ?? null,
          },
  }
}
