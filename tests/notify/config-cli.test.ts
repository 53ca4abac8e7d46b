/**
 * The `notifications` and `history` configuration (defaults, secrets only through `*_env` keys and
 * redacted when printed, clear errors) and `alert-orchestrator notify-test` end to end against
 * local fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../src/config/load.ts'
import { normalizedConfig } from '../../src/config/normalize.ts'
import { type FakeChannel, startFakeDiscord, startFakeTelegram, startFakeWebhook } from '../fakes/notify.ts'
import { runCli } from '../support/service/cli.ts'
import { baseConfig, loadTestConfig, withConfig, writeConfigFile } from '../support/service/config.ts'

const CHILD_TIMEOUT_MS = 30_000
const base = baseConfig({ embedded: { dir: '/nonexistent-not-used' } })

describe('notifications configuration', () => {
  it('defaults to off, with the documented rules and a 90-day history', () => {
    const { config } = loadTestConfig(base)
    expect(config.notifications).toMatchObject({
      enabled: false,
      confirm_evaluations: 2,
      cooldown_minutes: 60,
      min_withdrawable_usd: 10,
      channels: [],
    })
    expect(config.notifications.send_on).toEqual(['withdraw_ok', 'hold', 'error', 'recovered'])
    expect(config.history).toEqual({ enabled: true, retention_days: 90 })
    expect(config.runtime.public_url).toBeNull()
  })

  it('reads secrets from *_env variables and prints them redacted', () => {
    const tree = withConfig(base, {
      runtime: { public_url: 'https://wo.example.org/' },
      notifications: {
        enabled: true,
        channels: [
          { type: 'webhook', url: 'https://example.org/hook', secret_env: 'WO_WEBHOOK_SECRET' },
          { type: 'ntfy', topic: 'wo-alerts', token_env: 'WO_NTFY_TOKEN' },
          { type: 'telegram', bot_token_env: 'WO_TG_TOKEN', chat_id: -100123 },
          { type: 'discord', url_env: 'WO_DISCORD_URL' },
          { type: 'slack', name: 'team', url_env: 'WO_SLACK_URL', send_on: ['withdraw_ok'] },
          { type: 'email', host: 'smtp.example.org', user: 'me', pass_env: 'WO_SMTP_PASS', from: 'wo@example.org', to: 'me@example.org' },
        ],
      },
    })
    const env = {
      WO_WEBHOOK_SECRET: 'hook-secret-value',
      WO_NTFY_TOKEN: 'tk_secret_value',
      WO_TG_TOKEN: '123:SECRETVALUE',
      WO_DISCORD_URL: 'https://discord.com/api/webhooks/1/secret-discord',
      WO_SLACK_URL: 'https://hooks.slack.com/services/T/B/secret-slack',
      WO_SMTP_PASS: 'smtp-secret-value',
    }
    const loaded = loadTestConfig(tree, env)
    const channels = loaded.config.resolved.notification_channels
    expect(channels.map((c) => c.name)).toEqual(['webhook', 'ntfy', 'telegram', 'discord', 'team', 'email'])
    expect(channels[0]).toMatchObject({ secret: 'hook-secret-value' })
    expect(channels[4]).toMatchObject({ url: env.WO_SLACK_URL, sendOn: ['withdraw_ok'] })
    expect(channels[5]).toMatchObject({ port: 587, starttls: true, to: ['me@example.org'], pass: 'smtp-secret-value' })
    expect(loaded.config.runtime.public_url).toBe('https://wo.example.org')
    const printed = JSON.stringify(normalizedConfig(loaded))
    for (const secret of Object.values(env)) expect(printed).not.toContain(secret)
    expect(printed).toContain('<redacted>')
  })

  it('names every problem: a missing variable, an unknown type, a bad topic, duplicate names, no channel', () => {
    const attempt = (notifications: Record<string, unknown>, env: Record<string, string> = {}) => {
      try {
        loadTestConfig(withConfig(base, { notifications }), env)
        return ''
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as Error).message
      }
    }
    expect(attempt({ channels: [{ type: 'webhook', url: 'https://x.org', secret_env: 'NOPE_UNSET' }] })).toContain('NOPE_UNSET is not set')
    expect(attempt({ channels: [{ type: 'pager', url: 'https://x.org' }] })).toContain('notifications.channels[0]')
    expect(attempt({ channels: [{ type: 'ntfy', topic: 'bad topic!' }] })).toContain('ntfy topic rules')
    expect(
      attempt({
        channels: [
          { type: 'slack', url: 'https://a.org' },
          { type: 'slack', url: 'https://b.org' },
        ],
      }),
    ).toContain("two channels are named 'slack'")
    expect(attempt({ channels: [{ type: 'discord' }] })).toContain('needs url or url_env')
    expect(attempt({ enabled: true })).toContain('at least one channel')
    expect(attempt({ confirm_evaluations: 0 })).toContain('notifications.confirm_evaluations')
  })
})

describe('alert-orchestrator notify-test', () => {
  let dir: string
  const fakes: FakeChannel[] = []
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ao-notify-'))
  })
  afterAll(async () => {
    await Promise.all(fakes.map((fake) => fake.stop()))
    rmSync(dir, { recursive: true, force: true })
  })

  it(
    'sends a test message to each channel, prints each outcome and exits 1 when one fails',
    async () => {
      const hook = startFakeWebhook({ secret: 'topsecret' })
      const telegram = startFakeTelegram({ token: '42:GOOD' })
      const discord = startFakeDiscord()
      fakes.push(hook, telegram, discord)
      const tree = withConfig(base, {
        notifications: {
          delivery: { retries: 0, timeout_seconds: 5 },
          channels: [
            { type: 'webhook', url: `${hook.url}/hook`, secret_env: 'HOOK_SECRET' },
            { type: 'telegram', bot_token_env: 'TG_TOKEN', chat_id: 7, api_url: telegram.url },
            // not a Discord webhook path: the fake answers 404 Unknown Webhook
            { type: 'discord', url: `${discord.url}/not-a-webhook` },
          ],
        },
      })
      const path = writeConfigFile(dir, tree, 'notify.yaml')
      const env = { HOOK_SECRET: 'topsecret', TG_TOKEN: '42:GOOD' }
      const all = await runCli(['notify-test', '--config', path], { env })
      expect(all.stdout.split('\n').filter(Boolean).sort()).toEqual([
        'discord: FAILED: discord: HTTP 404: {"message":"Unknown Webhook","code":10015}',
        'telegram: ok',
        'webhook: ok',
      ])
      expect(all.code).toBe(1)
      expect(hook.accepted[0]!.body).toMatchObject({ kind: 'test', decision: null })
      expect((telegram.accepted[0]!.body as { text: string }).text).toContain('Test message from alert-orchestrator')

      const one = await runCli(['notify-test', '--channel', 'webhook', '--config', path], { env })
      expect([one.code, one.stdout]).toEqual([0, 'webhook: ok\n'])
      expect(hook.accepted).toHaveLength(2)

      const unknown = await runCli(['notify-test', '--channel', 'pager', '--config', path], { env })
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain('no such channel (configured: webhook, telegram, discord)')
    },
    CHILD_TIMEOUT_MS * 3,
  )

  it(
    'refuses --channel without notify-test and an unknown command',
    async () => {
      expect((await runCli(['--channel', 'x'])).code).toBe(2)
      const unknown = await runCli(['notifytest'])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain("unknown command 'notifytest'")
    },
    CHILD_TIMEOUT_MS * 2,
  )
})
