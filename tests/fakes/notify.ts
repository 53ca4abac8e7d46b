/**
 * Local fakes of every notification channel, each refusing what the real service refuses.
 *
 * Evidence:
 * - ntfy: docs.ntfy.sh/publish ("Publish as JSON": POST to the server root, fields topic, message,
 *   title, tags, priority 1-5, click; access tokens as `Authorization: Bearer tk_…`; topics are
 *   letters, digits, `-` and `_`, at most 64). Answers the published message as JSON.
 * - Telegram: core.telegram.org/bots/api#sendmessage (`chat_id` and `text` required; answers
 *   `{"ok": true, "result": Message}` or `{"ok": false, "error_code", "description"}` with e.g.
 *   "Bad Request: message text is empty", "Unauthorized" for a wrong token; text ≤ 4096 characters).
 * - Discord: discord.com/developers/docs/resources/webhook#execute-webhook (at least one of
 *   `content`/`embeds`; content ≤ 2000 characters; 204 No Content without `?wait=true`; error
 *   50006 "Cannot send an empty message").
 * - Slack: api.slack.com/messaging/webhooks (JSON with `text` or `blocks`; 200 `ok`; 400 `no_text`,
 *   `invalid_payload` for a body that is not JSON).
 * - Webhook: our own contract (JSON body; `X-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
 *   when a secret is set): the fake verifies the signature and answers 401 when it is wrong.
 * - Email: a real SMTP server from the `smtp-server` package (what nodemailer talks to).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { SMTPServer } from 'smtp-server'
import { type FakeServer, json, type RecordedRequest, startFakeServer } from './server.ts'

export interface Delivered {
  /** the accepted requests, in order (refused ones are only in `requests`) */
  readonly accepted: RecordedRequest[]
}

export type FakeChannel = FakeServer & Delivered

function fake(handler: (request: RecordedRequest, accept: () => void) => Response): FakeChannel {
  const accepted: RecordedRequest[] = []
  const server = startFakeServer((request) => handler(request, () => accepted.push(request)))
  return Object.assign(server, { accepted })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function startFakeWebhook(options: { secret?: string } = {}): FakeChannel {
  return fake((request, accept) => {
    if (request.method !== 'POST') return json({ error: 'method not allowed' }, 405)
    if (!isObject(request.body)) return json({ error: 'body must be a JSON object' }, 400)
    if (options.secret !== undefined) {
      const expected = Buffer.from(`sha256=${createHmac('sha256', options.secret).update(request.rawBody).digest('hex')}`)
      const given = Buffer.from(request.headers['x-signature-256'] ?? '')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return json({ error: 'bad signature' }, 401)
    }
    accept()
    return json({ received: true })
  })
}

const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/

export function startFakeNtfy(options: { token?: string } = {}): FakeChannel {
  return fake((request, accept) => {
    if (request.path !== '/') return json({ code: 40401, http: 404, error: 'page not found' }, 404)
    const body = request.body
    if (!isObject(body)) return json({ code: 40024, http: 400, error: 'invalid request: body must be message JSON' }, 400)
    if (typeof body.topic !== 'string' || !NTFY_TOPIC.test(body.topic))
      return json({ code: 40009, http: 400, error: 'invalid request: topic invalid' }, 400)
    if (body.priority !== undefined && !(Number.isInteger(body.priority) && (body.priority as number) >= 1 && (body.priority as number) <= 5))
      return json({ code: 40007, http: 400, error: 'invalid priority' }, 400)
    for (const key of ['message', 'title', 'click'] as const)
      if (body[key] !== undefined && typeof body[key] !== 'string') return json({ code: 40024, http: 400, error: `invalid ${key}` }, 400)
    if (body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((tag) => typeof tag === 'string')))
      return json({ code: 40024, http: 400, error: 'invalid tags' }, 400)
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`)
      return json({ code: 40301, http: 403, error: 'forbidden' }, 403)
    accept()
    return json({ id: 'fakeid', time: Math.floor(Date.now() / 1000), event: 'message', topic: body.topic, message: body.message ?? 'triggered' })
  })
}

export function startFakeTelegram(options: { token: string }): FakeChannel {
  return fake((request, accept) => {
    const match = /^\/bot([^/]+)\/sendMessage$/.exec(request.path)
    if (!match) return json({ ok: false, error_code: 404, description: 'Not Found' }, 404)
    if (match[1] !== options.token) return json({ ok: false, error_code: 401, description: 'Unauthorized' }, 401)
    const body = request.body
    if (!isObject(body) || body.chat_id === undefined || body.chat_id === '')
      return json({ ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' }, 400)
    if (typeof body.text !== 'string' || body.text.trim() === '')
      return json({ ok: false, error_code: 400, description: 'Bad Request: message text is empty' }, 400)
    if (body.text.length > 4096) return json({ ok: false, error_code: 400, description: 'Bad Request: message is too long' }, 400)
    accept()
    return json({ ok: true, result: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: body.chat_id }, text: body.text } })
  })
}

export function startFakeDiscord(): FakeChannel {
  return fake((request, accept) => {
    if (!/^\/api\/webhooks\/\d+\/[\w-]+$/.test(request.path)) return json({ message: 'Unknown Webhook', code: 10015 }, 404)
    const body = request.body
    if (!isObject(body)) return json({ message: 'Cannot send an empty message', code: 50006 }, 400)
    const content = typeof body.content === 'string' ? body.content : ''
    const embeds = Array.isArray(body.embeds) ? body.embeds : []
    if (content.trim() === '' && embeds.length === 0) return json({ message: 'Cannot send an empty message', code: 50006 }, 400)
    if (content.length > 2000)
      return json(
        {
          message: 'Invalid Form Body',
          code: 50035,
          errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
        },
        400,
      )
    accept()
    return new Response(null, { status: 204 })
  })
}

export function startFakeSlack(): FakeChannel {
  return fake((request, accept) => {
    if (!request.path.startsWith('/services/')) return new Response('no_service', { status: 404 })
    if (typeof request.body === 'string' || request.body === null) return new Response('invalid_payload', { status: 400 })
    const body = request.body
    if (!isObject(body)) return new Response('invalid_payload', { status: 400 })
    const text = typeof body.text === 'string' ? body.text : ''
    if (text.trim() === '' && !(Array.isArray(body.blocks) && body.blocks.length > 0)) return new Response('no_text', { status: 400 })
    accept()
    return new Response('ok', { status: 200, headers: { 'Content-Type': 'text/html' } })
  })
}

export interface ReceivedMail {
  readonly from: string
  readonly to: string[]
  readonly user: string | null
  readonly data: string
}

export interface FakeSmtp {
  readonly port: number
  readonly mails: ReceivedMail[]
  /** the next `count` messages are refused with this SMTP reply code */
  refuseNext(count: number, code: number): void
  stop(): Promise<void>
}

/** A real SMTP server (smtp-server) on 127.0.0.1 with PLAIN/LOGIN auth over a plain connection. */
export async function startFakeSmtp(options: { user: string; pass: string }): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = []
  let refusals: { count: number; code: number } = { count: 0, code: 0 }
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) return callback(null, { user: auth.username })
      return callback(new Error('Invalid username or password'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refusals.count > 0) {
          refusals = { count: refusals.count - 1, code: refusals.code }
          return callback(Object.assign(new Error('refused by the fake'), { responseCode: refusals.code }))
        }
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: typeof session.user === 'string' ? session.user : null,
          data: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    mails,
    refuseNext: (count, code) => {
      refusals = { count, code }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
