/**
 * The senders, one per channel type. Each `send` is one attempt under the caller's signal (the
 * delivery queue adds the deadline and the retries) and throws a `SendFailure` saying whether a
 * retry can help. Request shapes follow each service's public documentation:
 *
 * - webhook: JSON POST of every field; with a secret, `X-Signature-256: sha256=<hex HMAC-SHA256 of
 *   the exact body>` (the convention GitHub's webhooks made common);
 * - ntfy: "publish as JSON", a POST to the server root with `topic`, `message`, `title`, `click`,
 *   `priority`, `tags` (docs.ntfy.sh/publish); a token goes in `Authorization: Bearer`;
 * - Telegram: `POST {api}/bot<token>/sendMessage` with `chat_id` and `text` (core.telegram.org/bots/api);
 *   the answer is `{"ok": true, …}` or `{"ok": false, "description": …}`;
 * - Discord: execute-webhook POST with `content` (≤ 2000 characters), answered 204;
 * - Slack: incoming-webhook POST with `text`, answered 200 `ok`;
 * - email: nodemailer's SMTP transport (STARTTLS required unless disabled).
 */
import { createHmac } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { ResolvedChannel } from '../config/notifications.ts'
import { describeError } from '../errors.ts'
import { type Notification, textWithLink, webhookBody } from './message.ts'

export class SendFailure extends Error {
  override readonly name = 'SendFailure'
  constructor(
    message: string,
    /** false when the service refused the message itself (a retry would be refused too) */
    readonly retryable: boolean,
  ) {
    super(message)
  }
}

export interface Channel {
  readonly name: string
  readonly type: ResolvedChannel['type']
  send(notification: Notification, signal: AbortSignal): Promise<void>
  close?(): void
}

/** Discord's limit on `content`. */
const DISCORD_CONTENT_LIMIT = 2000
const BODY_EXCERPT = 200
const USER_AGENT = 'alert-orchestrator'

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** One POST; a 2xx returns the body text, anything else throws a SendFailure. */
async function post(channel: string, url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT, ...headers },
      signal,
      redirect: 'error',
    })
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw new SendFailure(`${channel}: request failed: ${describeError(error)}`, true)
  }
  const text = await response.text().catch(() => '')
  if (response.ok) return text
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, BODY_EXCERPT) || '(empty body)'
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429
  throw new SendFailure(`${channel}: HTTP ${response.status}: ${excerpt}`, retryable)
}

const NTFY_TAGS: Record<Notification['kind'], string> = {
  withdraw_ok: 'moneybag',
  hold: 'hourglass',
  error: 'rotating_light',
  recovered: 'white_check_mark',
  test: 'test_tube',
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`
}

export function createChannel(config: ResolvedChannel): Channel {
  const { name, type } = config
  switch (config.type) {
    case 'webhook':
      return {
        name,
        type,
        async send(notification, signal) {
          const body = JSON.stringify(webhookBody(notification))
          await post(name, config.url, body, config.secret === null ? {} : { 'X-Signature-256': signBody(config.secret, body) }, signal)
        },
      }
    case 'ntfy':
      return {
        name,
        type,
        async send(notification, signal) {
          const body = {
            topic: config.topic,
            title: notification.title,
            message: notification.text,
            tags: [NTFY_TAGS[notification.kind]],
            ...(notification.url === null ? {} : { click: notification.url }),
            ...(config.priority === null ? {} : { priority: config.priority }),
          }
          await post(
            name,
            `${config.server}/`,
            JSON.stringify(body),
            config.token === null ? {} : { Authorization: `Bearer ${config.token}` },
            signal,
          )
        },
      }
    case 'telegram':
      return {
        name,
        type,
        async send(notification, signal) {
          const body = JSON.stringify({ chat_id: config.chatId, text: textWithLink(notification), disable_web_page_preview: true })
          let text: string
          try {
            text = await post(name, `${config.apiUrl}/bot${config.botToken}/sendMessage`, body, {}, signal)
          } catch (error) {
            // The URL holds the token: never let it reach a log line.
            if (error instanceof SendFailure) throw new SendFailure(error.message.replaceAll(config.botToken, '<token>'), error.retryable)
            throw error
          }
          let answer: { ok?: unknown; description?: unknown }
          try {
            answer = JSON.parse(text) as typeof answer
          } catch {
            throw new SendFailure(`${name}: the Bot API answered something that is not JSON`, true)
          }
          if (answer.ok !== true) throw new SendFailure(`${name}: Bot API refused: ${String(answer.description ?? 'no description')}`, false)
        },
      }
    case 'discord':
      return {
        name,
        type,
        async send(notification, signal) {
          await post(name, config.url, JSON.stringify({ content: truncate(textWithLink(notification), DISCORD_CONTENT_LIMIT) }), {}, signal)
        },
      }
    case 'slack':
      return {
        name,
        type,
        async send(notification, signal) {
          const link = notification.url === null ? '' : ` <${notification.url}|dashboard>`
          await post(name, config.url, JSON.stringify({ text: `${notification.text}${link}` }), {}, signal)
        },
      }
    case 'email': {
      const transport = nodemailer.createTransport({
        host: config.host,
        port: config.port,
        secure: config.tls,
        requireTLS: config.starttls && !config.tls,
        ignoreTLS: !config.starttls && !config.tls,
        auth: config.user === null ? undefined : { user: config.user, pass: config.pass ?? '' },
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      })
      return {
        name,
        type,
        async send(notification, signal) {
          const sending = transport.sendMail({
            from: config.from,
            to: config.to,
            subject: notification.title,
            text: textWithLink(notification),
          })
          const aborted = new Promise<never>((_, reject) => {
            if (signal.aborted) reject(signal.reason)
            signal.addEventListener('abort', () => reject(signal.reason), { once: true })
          })
          try {
            await Promise.race([sending, aborted])
          } catch (error) {
            if (signal.aborted) throw signal.reason
            // SMTP 5xx: the server refused the message or the login; 4xx and transport errors are transient.
            const code = (error as { responseCode?: unknown }).responseCode
            const permanent = typeof code === 'number' && code >= 500
            throw new SendFailure(`${name}: ${describeError(error)}`, !permanent)
          }
        },
        close: () => transport.close(),
      }
    }
  }
}
