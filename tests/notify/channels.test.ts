/**
 * Every channel against its local fake: the payload each service receives, the webhook's HMAC,
 * what the fakes refuse (and that a refusal is not retried), retries with backoff on 5xx, the
 * per-attempt deadline, and that one failing channel never holds up another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { captureLogs } from '../../src/log.ts'
import type { ResolvedChannel } from '../../src/config/notifications.ts'
import { createChannel, SendFailure, signBody } from '../../src/notify/channels.ts'
import { DeliveryQueue, type DeliveryOutcome } from '../../src/notify/delivery.ts'
import { describeTransition, type Notification } from '../../src/notify/message.ts'
import { historyRecord } from '../support/history.ts'
import {
  type FakeChannel,
  type FakeSmtp,
  startFakeDiscord,
  startFakeNtfy,
  startFakeSlack,
  startFakeSmtp,
  startFakeTelegram,
  startFakeWebhook,
} from '../fakes/notify.ts'

const T0 = Date.UTC(2026, 10, 27, 3, 0)
const notification: Notification = describeTransition(
  {
    channel: 'any',
    kind: 'withdraw_ok',
    previous: 'hold',
    record: historyRecord({ withdrawableUsd: 91, priceT1Usd: 1.0002, walletCount: 3, gUsd: 182, t0: T0 }),
  },
  { publicUrl: 'https://wo.example.org', timezone: 'UTC' },
)
const EXPECTED_TEXT = 'DJED: withdraw up to 91.00 USD (≈ 90.98 DJED) across 3 wallets — gain since 27 Nov +182 USD'
const ALL: ResolvedChannel['sendOn'] = ['withdraw_ok', 'hold', 'error', 'recovered']
const sendOnce = (channel: ResolvedChannel, message: Notification = notification) => createChannel(channel).send(message, AbortSignal.timeout(5_000))

captureLogs(() => {})

describe('message text', () => {
  it('says what to do in plain words, with the dashboard link', () => {
    expect(notification.text).toBe(EXPECTED_TEXT)
    expect(notification.title).toBe('DJED: WITHDRAW_OK')
    expect(notification.url).toBe('https://wo.example.org/')
  })

  it('words a HOLD and a recovery with the reason', () => {
    const hold = describeTransition(
      {
        channel: 'x',
        kind: 'hold',
        previous: 'withdraw_ok',
        record: historyRecord({ asset: 'usdc', decision: 0, reasonText: 'the position jumped +5.8k USD in an hour' }),
      },
      { publicUrl: null, timezone: 'UTC' },
    )
    expect(hold.text).toBe('USDC: hold — the position jumped +5.8k USD in an hour')
    const recovered = describeTransition(
      { channel: 'x', kind: 'recovered', previous: 'error', record: historyRecord({ asset: 'usdt', decision: 0, reasonText: 'non-positive gains' }) },
      { publicUrl: null, timezone: 'UTC' },
    )
    expect(recovered.text).toBe('USDT: recovered — now hold — non-positive gains')
    expect(recovered.url).toBeNull()
  })
})

describe('channels against their fakes', () => {
  const fakes: FakeChannel[] = []
  let smtp: FakeSmtp
  const started = <T extends FakeChannel>(channel: T): T => {
    fakes.push(channel)
    return channel
  }

  beforeAll(async () => {
    smtp = await startFakeSmtp({ user: 'alerts', pass: 's3cret' })
  })
  afterAll(async () => {
    await Promise.all(fakes.map((fake) => fake.stop()))
    await smtp.stop()
  })

  it('webhook: JSON with every decision field, signed with HMAC-SHA256 of the exact body', async () => {
    const hook = started(startFakeWebhook({ secret: 'hook-secret' }))
    await sendOnce({ type: 'webhook', name: 'webhook', sendOn: ALL, url: `${hook.url}/hook`, secret: 'hook-secret' })
    const [request] = hook.accepted
    expect(request!.headers['x-signature-256']).toBe(signBody('hook-secret', request!.rawBody))
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.body).toMatchObject({
      kind: 'withdraw_ok',
      asset: 'djed',
      text: EXPECTED_TEXT,
      url: 'https://wo.example.org/',
      previous: 'hold',
      decision: {
        decision: 1,
        decision_label: 'WITHDRAW_OK',
        reason_code: 'ok',
        withdrawable_usd: 91,
        wmax_usd: 91,
        g_usd: 182,
        v_t1_usd: 10_000,
        price_t1_usd: 1.0002,
        gate_residual_usd: 0.5,
        gate_threshold_usd: 2.4,
        price_delta_rel: 0.001,
        evaluation_duration_ms: 412,
        t0: '2026-11-27T03:00:00.000Z',
        wallets: 3,
      },
    })
  })

  it('webhook: a wrong secret is refused (401) and not worth a retry', async () => {
    const hook = started(startFakeWebhook({ secret: 'right' }))
    const failure = await sendOnce({ type: 'webhook', name: 'webhook', sendOn: ALL, url: hook.url, secret: 'wrong' }).catch((error) => error)
    expect(failure).toBeInstanceOf(SendFailure)
    expect(failure).toMatchObject({ retryable: false, message: expect.stringContaining('HTTP 401') })
    expect(hook.accepted).toEqual([])
  })

  it('ntfy: JSON publish to the server root with topic, title, message, click and the token', async () => {
    const ntfy = started(startFakeNtfy({ token: 'tk_fake' }))
    await sendOnce({ type: 'ntfy', name: 'ntfy', sendOn: ALL, server: ntfy.url, topic: 'wo-alerts', token: 'tk_fake', priority: 4 })
    expect(ntfy.accepted[0]!.body).toEqual({
      topic: 'wo-alerts',
      title: 'DJED: WITHDRAW_OK',
      message: EXPECTED_TEXT,
      tags: ['moneybag'],
      click: 'https://wo.example.org/',
      priority: 4,
    })
    const refused = await sendOnce({
      type: 'ntfy',
      name: 'ntfy',
      sendOn: ALL,
      server: ntfy.url,
      topic: 'wo-alerts',
      token: null,
      priority: null,
    }).catch((e) => e)
    expect(refused).toMatchObject({ retryable: false, message: expect.stringContaining('HTTP 403') })
  })

  it('telegram: sendMessage with chat_id and text (link on its own line); a wrong token never reaches the error text', async () => {
    const telegram = started(startFakeTelegram({ token: '123:ABC' }))
    await sendOnce({ type: 'telegram', name: 'telegram', sendOn: ALL, apiUrl: telegram.url, botToken: '123:ABC', chatId: -1001 })
    expect(telegram.accepted[0]!.path).toBe('/bot123:ABC/sendMessage')
    expect(telegram.accepted[0]!.body).toMatchObject({ chat_id: -1001, text: `${EXPECTED_TEXT}\nhttps://wo.example.org/` })
    const refused = await sendOnce({
      type: 'telegram',
      name: 'telegram',
      sendOn: ALL,
      apiUrl: telegram.url,
      botToken: '999:WRONG',
      chatId: -1001,
    }).catch((e) => e)
    expect(refused).toMatchObject({ retryable: false })
    expect(refused.message).toContain('HTTP 401')
    expect(refused.message).not.toContain('999:WRONG')
  })

  it('telegram fake refuses an empty text like the Bot API', async () => {
    const telegram = started(startFakeTelegram({ token: '1:A' }))
    const empty = { ...notification, text: ' ', url: null }
    const refused = await sendOnce(
      { type: 'telegram', name: 'telegram', sendOn: ALL, apiUrl: telegram.url, botToken: '1:A', chatId: 5 },
      empty,
    ).catch((e) => e)
    expect(refused.message).toContain('message text is empty')
  })

  it('discord: execute-webhook with content (answered 204); an empty message is refused with 50006', async () => {
    const discord = started(startFakeDiscord())
    await sendOnce({ type: 'discord', name: 'discord', sendOn: ALL, url: `${discord.url}/api/webhooks/123/tok-en` })
    expect(discord.accepted[0]!.body).toEqual({ content: `${EXPECTED_TEXT}\nhttps://wo.example.org/` })
    const refused = await sendOnce(
      { type: 'discord', name: 'discord', sendOn: ALL, url: `${discord.url}/api/webhooks/123/tok-en` },
      { ...notification, text: '', url: null },
    ).catch((e) => e)
    expect(refused.message).toContain('50006')
  })

  it('discord: a text longer than 2000 characters is cut to fit instead of refused', async () => {
    const discord = started(startFakeDiscord())
    await sendOnce(
      { type: 'discord', name: 'discord', sendOn: ALL, url: `${discord.url}/api/webhooks/1/t` },
      { ...notification, text: 'x'.repeat(2500) },
    )
    expect((discord.accepted[0]!.body as { content: string }).content).toHaveLength(2000)
  })

  it('slack: incoming webhook with text and a link (answered "ok"); no text is refused with no_text', async () => {
    const slack = started(startFakeSlack())
    await sendOnce({ type: 'slack', name: 'slack', sendOn: ALL, url: `${slack.url}/services/T1/B1/X1` })
    expect(slack.accepted[0]!.body).toEqual({ text: `${EXPECTED_TEXT} <https://wo.example.org/|dashboard>` })
    const refused = await sendOnce(
      { type: 'slack', name: 'slack', sendOn: ALL, url: `${slack.url}/services/T1/B1/X1` },
      { ...notification, text: '', url: null },
    ).catch((e) => e)
    expect(refused.message).toContain('no_text')
  })

  it('email: nodemailer delivers to a real SMTP server with login, subject and text', async () => {
    const channel: ResolvedChannel = {
      type: 'email',
      name: 'email',
      sendOn: ALL,
      host: '127.0.0.1',
      port: smtp.port,
      starttls: false,
      tls: false,
      user: 'alerts',
      pass: 's3cret',
      from: 'wo@example.org',
      to: ['me@example.org', 'you@example.org'],
    }
    await sendOnce(channel)
    const [mail] = smtp.mails
    expect(mail!.from).toBe('wo@example.org')
    expect(mail!.to).toEqual(['me@example.org', 'you@example.org'])
    expect(mail!.user).toBe('alerts')
    expect(mail!.data).toContain('Subject: DJED: WITHDRAW_OK')
    expect(mail!.data).toContain('withdraw up to 91.00 USD')
    const wrongLogin = await sendOnce({ ...channel, pass: 'nope' }).catch((e) => e)
    expect(wrongLogin).toMatchObject({ retryable: false })
  })

  it('email: a temporary SMTP refusal (4xx) is retried by the queue, then delivered', async () => {
    const outcomes: string[] = []
    const channel = createChannel({
      type: 'email',
      name: 'mail',
      sendOn: ALL,
      host: '127.0.0.1',
      port: smtp.port,
      starttls: false,
      tls: false,
      user: 'alerts',
      pass: 's3cret',
      from: 'wo@example.org',
      to: ['me@example.org'],
    })
    const before = smtp.mails.length
    smtp.refuseNext(1, 451)
    const queue = new DeliveryQueue([channel], { timeoutMs: 5_000, retries: 2, backoffMs: 1, capacity: 10, onOutcome: (_c, o) => outcomes.push(o) })
    expect(await queue.sendNow('mail', notification)).toEqual({ ok: true })
    expect(outcomes).toEqual(['retried', 'sent'])
    expect(smtp.mails.length).toBe(before + 1)
    await queue.close()
  })
})

describe('delivery queue', () => {
  const fakes: FakeChannel[] = []
  afterAll(async () => {
    await Promise.all(fakes.map((fake) => fake.stop()))
  })

  function queueFor(channels: ResolvedChannel[], options: Partial<{ timeoutMs: number; retries: number; capacity: number }> = {}) {
    const outcomes: [string, DeliveryOutcome][] = []
    const queue = new DeliveryQueue(channels.map(createChannel), {
      timeoutMs: options.timeoutMs ?? 2_000,
      retries: options.retries ?? 3,
      backoffMs: 5,
      capacity: options.capacity ?? 10,
      onOutcome: (channel, outcome) => outcomes.push([channel, outcome]),
    })
    return { queue, outcomes }
  }

  it('retries a 5xx with backoff until the receiver accepts', async () => {
    const hook = startFakeWebhook()
    fakes.push(hook)
    hook.faults.add({ kind: 'status', status: 503 }, 2)
    const { queue, outcomes } = queueFor([{ type: 'webhook', name: 'hook', sendOn: ALL, url: hook.url, secret: null }])
    queue.enqueue('hook', notification)
    expect(await queue.drain(5_000)).toBe(true)
    expect(hook.requests).toHaveLength(3)
    expect(hook.accepted).toHaveLength(1)
    expect(outcomes).toEqual([
      ['hook', 'retried'],
      ['hook', 'retried'],
      ['hook', 'sent'],
    ])
  })

  it('gives up after the retries, counts the failure, and still delivers the other channels', async () => {
    const broken = startFakeWebhook()
    const healthy = startFakeSlack()
    fakes.push(broken, healthy)
    broken.faults.add({ kind: 'status', status: 500 })
    const { queue, outcomes } = queueFor(
      [
        { type: 'webhook', name: 'broken', sendOn: ALL, url: broken.url, secret: null },
        { type: 'slack', name: 'slack', sendOn: ALL, url: `${healthy.url}/services/A/B/C` },
      ],
      { retries: 2 },
    )
    queue.enqueue('broken', notification)
    queue.enqueue('slack', notification)
    expect(await queue.drain(5_000)).toBe(true)
    expect(broken.requests).toHaveLength(3)
    expect(healthy.accepted).toHaveLength(1)
    expect(outcomes.filter(([channel]) => channel === 'broken').map(([, outcome]) => outcome)).toEqual(['retried', 'retried', 'failed'])
    expect(outcomes).toContainEqual(['slack', 'sent'])
  })

  it('puts a deadline on every attempt, and enqueueing never waits for a hung receiver', async () => {
    const hung = startFakeWebhook()
    fakes.push(hung)
    hung.faults.add({ kind: 'hang' }, 2)
    const { queue, outcomes } = queueFor([{ type: 'webhook', name: 'hung', sendOn: ALL, url: hung.url, secret: null }], {
      timeoutMs: 100,
      retries: 2,
    })
    queue.enqueue('hung', notification)
    // enqueue returned synchronously: the evaluation goes on while the queue works
    expect(outcomes).toEqual([])
    expect(await queue.drain(5_000)).toBe(true)
    expect(outcomes.map(([, outcome]) => outcome)).toEqual(['retried', 'retried', 'sent'])
  })

  it('keeps at most queue_size messages per channel, dropping (and counting) the oldest', async () => {
    const slow = startFakeWebhook()
    fakes.push(slow)
    slow.faults.add({ kind: 'delay', ms: 100 }, 1)
    const { queue, outcomes } = queueFor([{ type: 'webhook', name: 'slow', sendOn: ALL, url: slow.url, secret: null }], { capacity: 2 })
    for (const asset of ['a', 'b', 'c', 'd']) queue.enqueue('slow', { ...notification, asset })
    expect(await queue.drain(5_000)).toBe(true)
    // 'a' was taken at once; of b, c, d only the newest two fit
    expect(slow.accepted.map((request) => (request.body as { asset: string }).asset)).toEqual(['a', 'c', 'd'])
    expect(outcomes.filter(([, outcome]) => outcome === 'dropped')).toHaveLength(1)
  })
})
