/**
 * The `notifications` and `history` sections: their schema (merged into schema.ts) and the
 * resolution of each channel's secrets from the environment (`*_env` keys only), recorded as
 * secret paths so --print-config-normalized shows them redacted.
 */
import { z } from 'zod'
import { NOTIFICATION_KINDS, type NotificationKind } from '../notify/rules.ts'
import type { ConfigProblem, Environment } from './env.ts'
import { readNamedVariable } from './env.ts'
import { atLeast, greaterThan, intAtLeast, lowerEnum, nonEmptyString, port, section } from './fields.ts'

const httpUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s/]+/i, 'must be an http:// or https:// URL')
const envName = z.string().trim().min(1, 'must name an environment variable')
const sendOn = z.array(lowerEnum(NOTIFICATION_KINDS)).min(1, 'must list at least one kind')

const common = {
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]+$/, 'must contain only letters, digits, _, . and -')
    .optional()
    .describe('what --channel and the metrics call the channel; default: its type'),
  send_on: sendOn.optional().describe('kinds this channel gets; default: notifications.send_on'),
}

/** A URL that carries its own credential (Discord, Slack): given directly or through a variable. */
const secretUrl = { url: httpUrl.optional(), url_env: envName.optional() }

const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), ...common, ...secretUrl, secret_env: envName.optional() }),
  z.strictObject({
    type: z.literal('ntfy'),
    ...common,
    server: httpUrl.default('https://ntfy.sh'),
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1-64 letters, digits, - or _ (ntfy topic rules)'),
    token_env: envName.optional(),
    priority: z.int().gte(1).lte(5).optional(),
  }),
  z.strictObject({
    type: z.literal('telegram'),
    ...common,
    bot_token_env: envName,
    chat_id: z.union([
      z.int(),
      z
        .string()
        .trim()
        .regex(/^(-?\d+|@[A-Za-z0-9_]{5,})$/, 'must be a numeric chat id or @channelusername'),
    ]),
    api_url: httpUrl.default('https://api.telegram.org'),
  }),
  z.strictObject({ type: z.literal('discord'), ...common, ...secretUrl }),
  z.strictObject({ type: z.literal('slack'), ...common, ...secretUrl }),
  z.strictObject({
    type: z.literal('email'),
    ...common,
    host: nonEmptyString,
    port: port.default(587),
    starttls: z.boolean().default(true).describe('require STARTTLS on a plain connection'),
    tls: z.boolean().default(false).describe('implicit TLS from the first byte (port 465)'),
    user: z.string().trim().min(1).optional(),
    pass_env: envName.optional(),
    from: nonEmptyString,
    to: z.union([nonEmptyString.transform((one) => [one]), z.array(nonEmptyString).min(1)]),
  }),
])

export const notificationsSection = section({
  enabled: z.boolean().default(false).describe('send messages on decision changes to the channels'),
  confirm_evaluations: intAtLeast(1).default(2).describe('the same outcome this many evaluations in a row before telling'),
  cooldown_minutes: atLeast(0).default(60).describe('at most one message per asset and kind within this time'),
  min_withdrawable_usd: atLeast(0).default(10).describe("don't announce a WITHDRAW_OK below this amount"),
  send_on: sendOn.default([...NOTIFICATION_KINDS]).describe('kinds to send: withdraw_ok, hold, error, recovered'),
  channels: z.array(channelSchema).default([]).describe('webhook, ntfy, telegram, discord, slack, email (see README "Notifications")'),
  delivery: section({
    timeout_seconds: greaterThan(0).default(10).describe('deadline of one send attempt'),
    retries: intAtLeast(0).default(3).describe('attempts after the first one failed'),
    backoff_seconds: atLeast(0).default(2).describe('wait before the first retry; doubles each time'),
    queue_size: intAtLeast(1).default(100).describe('messages waiting at most; beyond, the oldest is dropped and counted'),
  }),
})

export const historySection = section({
  enabled: z.boolean().default(true).describe('append each evaluation to the orchestrator_decisions table'),
  retention_days: greaterThan(0).default(90).describe('rows older than this are deleted by the periodic cleanup'),
})

type ChannelInput = z.output<typeof channelSchema>
type NotificationsValues = z.output<typeof notificationsSection>

/** A channel with its secrets read: what the senders take. */
export type ResolvedChannel =
  | { type: 'webhook'; name: string; sendOn: NotificationKind[]; url: string; secret: string | null }
  | { type: 'ntfy'; name: string; sendOn: NotificationKind[]; server: string; topic: string; token: string | null; priority: number | null }
  | { type: 'telegram'; name: string; sendOn: NotificationKind[]; apiUrl: string; botToken: string; chatId: string | number }
  | { type: 'discord' | 'slack'; name: string; sendOn: NotificationKind[]; url: string }
  | {
      type: 'email'
      name: string
      sendOn: NotificationKind[]
      host: string
      port: number
      starttls: boolean
      tls: boolean
      user: string | null
      pass: string | null
      from: string
      to: string[]
    }

export function resolveChannels(values: NotificationsValues, env: Environment, problems: ConfigProblem[], secretPaths: string[]): ResolvedChannel[] {
  const names = new Map<string, number>()
  const channels: ResolvedChannel[] = []
  values.channels.forEach((channel: ChannelInput, index) => {
    const path = `notifications.channels[${index}]`
    const name = channel.name ?? channel.type
    if (names.has(name)) {
      problems.push({ path: `${path}.name`, message: `two channels are named '${name}': give each its own name` })
      return
    }
    names.set(name, index)
    const sendOn = [...new Set(channel.send_on ?? values.send_on)]
    const secret = (key: string, variable: string | undefined): string | null => {
      if (variable === undefined) return null
      const read = readNamedVariable(env, variable, `${path}.${key}`)
      if ('value' in read) return read.value
      problems.push(read)
      return null
    }
    const url = (): string | null => {
      if ('url_env' in channel && channel.url_env !== undefined) return secret('url_env', channel.url_env)
      if ('url' in channel && channel.url !== undefined) return channel.url
      problems.push({ path: `${path}.url`, message: `a ${channel.type} channel needs url or url_env` })
      return null
    }
    switch (channel.type) {
      case 'webhook':
      case 'discord':
      case 'slack': {
        const target = url()
        if (target === null) return
        if (channel.type === 'webhook')
          channels.push({ type: 'webhook', name, sendOn, url: target, secret: secret('secret_env', channel.secret_env) })
        else channels.push({ type: channel.type, name, sendOn, url: target })
        return
      }
      case 'ntfy':
        channels.push({
          type: 'ntfy',
          name,
          sendOn,
          server: channel.server.replace(/\/+$/, ''),
          topic: channel.topic,
          token: secret('token_env', channel.token_env),
          priority: channel.priority ?? null,
        })
        return
      case 'telegram': {
        const botToken = secret('bot_token_env', channel.bot_token_env)
        if (botToken !== null)
          channels.push({ type: 'telegram', name, sendOn, apiUrl: channel.api_url.replace(/\/+$/, ''), botToken, chatId: channel.chat_id })
        return
      }
      case 'email':
        channels.push({
          type: 'email',
          name,
          sendOn,
          host: channel.host,
          port: channel.port,
          starttls: channel.starttls,
          tls: channel.tls,
          user: channel.user ?? null,
          pass: secret('pass_env', channel.pass_env),
          from: channel.from,
          to: channel.to,
        })
    }
  })
  // What the environment supplied, and the URLs that are credentials themselves (Discord, Slack).
  channels.forEach((channel, index) => {
    const secrets = ['secret', 'token', 'botToken', 'pass', ...(channel.type === 'discord' || channel.type === 'slack' ? ['url'] : [])]
    for (const key of secrets) if (key in channel) secretPaths.push(`resolved.notification_channels[${index}].${key}`)
  })
  if (values.enabled && values.channels.length === 0)
    problems.push({ path: 'notifications.channels', message: 'must list at least one channel when notifications are enabled' })
  return channels
}
