/**
 * The transition rules, fed evaluation rows by hand: confirmation, cooldown, the minimum amount,
 * send_on per channel, recoveries, and that replaying the rows after a restart rebuilds the state
 * (nothing repeated, nothing missed).
 */
import { describe, expect, it } from 'bun:test'
import type { DecisionCode } from '../../src/engine/types.ts'
import { NOTIFICATION_KINDS, type NotificationKind, TransitionTracker, type TransitionRules } from '../../src/notify/rules.ts'
import { HISTORY_T, historyRecord } from '../support/history.ts'

const HOUR = 3_600_000

function rules(overrides: Partial<Omit<TransitionRules, 'sendOn'>> & { sendOn?: Record<string, NotificationKind[]> } = {}): TransitionRules {
  const sendOn = overrides.sendOn ?? { hook: [...NOTIFICATION_KINDS] }
  return {
    confirmEvaluations: overrides.confirmEvaluations ?? 1,
    cooldownMs: overrides.cooldownMs ?? 0,
    minWithdrawableUsd: overrides.minWithdrawableUsd ?? 10,
    sendOn: new Map(Object.entries(sendOn).map(([name, kinds]) => [name, new Set(kinds)])),
  }
}

/** One row per hour for `asset`: 'ok' (WITHDRAW_OK of `amount`), 'hold', 'error'. */
function rows(outcomes: string, amount = 91, asset = 'djed') {
  const codes: Record<string, DecisionCode> = { O: 1, H: 0, E: -1 }
  return [...outcomes].map((letter, index) =>
    historyRecord({ asset, ts: HISTORY_T + index * HOUR, decision: codes[letter]!, withdrawableUsd: letter === 'O' ? amount : 0 }),
  )
}

/** The kinds sent, evaluation by evaluation ('' where nothing was sent). */
function feed(tracker: TransitionTracker, records: ReturnType<typeof rows>): string[] {
  return records.map((record) =>
    tracker
      .observe([record])
      .map((t) => `${t.channel}:${t.kind}`)
      .join(','),
  )
}

describe('transition rules', () => {
  it('announces a first WITHDRAW_OK at once with confirm_evaluations 1, and nothing while it stays', () => {
    expect(feed(new TransitionTracker(rules()), rows('OOOO'))).toEqual(['hook:withdraw_ok', '', '', ''])
  })

  it('waits for confirm_evaluations identical outcomes in a row', () => {
    expect(feed(new TransitionTracker(rules({ confirmEvaluations: 2 })), rows('OHOOHHO'))).toEqual([
      '',
      '',
      '',
      'hook:withdraw_ok',
      '',
      'hook:hold',
      '',
    ])
  })

  it('does not announce a first HOLD (nothing to retract) but does announce an ERROR and the recovery', () => {
    expect(feed(new TransitionTracker(rules()), rows('HHEEHO'))).toEqual(['', '', 'hook:error', '', 'hook:recovered', 'hook:withdraw_ok'])
  })

  it('keeps a small WITHDRAW_OK quiet until it reaches min_withdrawable_usd', () => {
    const tracker = new TransitionTracker(rules({ minWithdrawableUsd: 50 }))
    const grown = { ...rows('O', 60)[0]!, ts: HISTORY_T + 2 * HOUR }
    expect(feed(tracker, [...rows('OO', 20), grown])).toEqual(['', '', 'hook:withdraw_ok'])
  })

  it('sends at most one message per asset and kind within the cooldown; a held-back change goes out after it', () => {
    const tracker = new TransitionTracker(rules({ cooldownMs: 3 * HOUR }))
    // t0 OK (sent), t1 HOLD (sent), t2 OK (cooldown of withdraw_ok: held), t3 OK (t3 - t0 = 3 h: sent)
    expect(feed(tracker, rows('OHOO'))).toEqual(['hook:withdraw_ok', 'hook:hold', '', 'hook:withdraw_ok'])
  })

  it('applies send_on per channel and counts an unwanted kind as told', () => {
    const tracker = new TransitionTracker(rules({ sendOn: { phone: ['withdraw_ok'], log: ['withdraw_ok', 'hold', 'error', 'recovered'] } }))
    expect(feed(tracker, rows('OHOEO'))).toEqual([
      'phone:withdraw_ok,log:withdraw_ok',
      'log:hold',
      'phone:withdraw_ok,log:withdraw_ok',
      'log:error',
      // phone does not want 'recovered': it gets the outcome's own kind
      'phone:withdraw_ok,log:recovered',
    ])
  })

  it('tracks each asset on its own', () => {
    const tracker = new TransitionTracker(rules())
    const sent = tracker.observe([...rows('O', 91, 'djed'), ...rows('E', 0, 'usdc')])
    expect(sent.map((t) => `${t.record.asset}:${t.kind}`)).toEqual(['djed:withdraw_ok', 'usdc:error'])
  })

  it('after a restart, replaying the history rebuilds the state: no repeat, and a change while down is announced', () => {
    const history = rows('HHOOO')
    const continuous = feed(new TransitionTracker(rules({ confirmEvaluations: 2 })), [...history, ...rows('OOOOOHH').slice(5)])
    const restarted = new TransitionTracker(rules({ confirmEvaluations: 2 }))
    restarted.observe(history) // what the notifier does before its first evaluation
    const after = feed(restarted, rows('OOOOOHH').slice(5))
    expect(after).toEqual(continuous.slice(5))
    expect(after).toEqual(['', 'hook:hold'])
    expect(restarted.told('djed', 'hook')).toBe('hold')
  })

  it('ignores a row not newer than the last one seen', () => {
    const tracker = new TransitionTracker(rules())
    tracker.observe(rows('O'))
    expect(tracker.observe([{ ...rows('E')[0]!, ts: HISTORY_T }])).toEqual([])
  })
})
