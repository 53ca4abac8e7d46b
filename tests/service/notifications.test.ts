/**
 * The demo service with a webhook channel, in child processes as an operator runs it: the first
 * evaluation after start announces DJED's WITHDRAW_OK (confirm_evaluations: 1), later evaluations
 * with the same decision send nothing more for DJED, and after a restart on the same store nothing
 * is repeated while `/api/history` and the dashboard's status strip show the evaluations from before
 * the restart. Also: the message counter in /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import YAML from 'yaml'
import { type FakeChannel, startFakeWebhook } from '../fakes/notify.ts'
import { ROOT, type ServiceProcess, spawnService } from '../support/service/cli.ts'
import { type ConfigTree, withConfig, writeConfigFile } from '../support/service/config.ts'
import { demoStoreDir } from '../support/service/stores.ts'

const SETUP_MS = 180_000
const TEST_MS = 240_000
const SECRET = 'demo-webhook-secret'

interface WebhookMessage {
  kind: string
  asset: string
  text: string
  url: string | null
  decision: { ts: string; decision_label: string; withdrawable_usd: number } | null
}

async function freePort(): Promise<number> {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = listener.port
  listener.stop(true)
  return port
}

describe('notifications on the demo service', () => {
  let dir: string
  let hook: FakeChannel
  let configPath: string
  let port: number
  const running: ServiceProcess[] = []

  beforeAll(async () => {
    dir = await demoStoreDir()
    hook = startFakeWebhook({ secret: SECRET })
    port = await freePort()
    const shipped = YAML.parse(readFileSync(join(ROOT, 'config/orchestrator_config.yaml'), 'utf8')) as ConfigTree
    const tree = withConfig(shipped, {
      data: { embedded: { dir } },
      prices: {
        priority_by_logical: { liqwid: ['greptime(liqwid)'], minswap: ['greptime(minswap)'] },
        endpoints: { liqwid_graphql: null, minswap_aggregator: null },
      },
      runtime: {
        schedule: { interval_minutes: 0.05 },
        telemetry: { listen_address: '127.0.0.1', listen_port: port },
        public_url: 'http://wo.example.org',
      },
      notifications: {
        enabled: true,
        confirm_evaluations: 1,
        channels: [{ type: 'webhook', url: `${hook.url}/hook`, secret_env: 'WO_WEBHOOK_SECRET' }],
      },
    })
    configPath = writeConfigFile(dir, tree, 'notify.yaml')
  }, SETUP_MS)

  afterAll(async () => {
    for (const child of running) await child.kill()
    await hook?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** Starts the demo service and waits for `evaluations` evaluations. */
  async function run(evaluations: number, whileRunning: () => Promise<void> = async () => {}) {
    const child = spawnService(['--demo', '--config', configPath], { env: { WO_WEBHOOK_SECRET: SECRET } })
    running.push(child)
    const finished = () => child.logLines.filter((line) => line.includes('msg="evaluation finished"')).length
    while (finished() < evaluations) {
      const ended = await Promise.race([child.exited.then(() => true), Bun.sleep(100).then(() => false)])
      if (ended) throw new Error(`the service stopped after ${finished()} evaluations:\n${child.logLines.join('\n')}`)
    }
    await whileRunning()
    child.signal('SIGTERM')
    expect(await child.exited).toBe(0)
    return child
  }

  const djedMessages = () => hook.accepted.map((request) => request.body as WebhookMessage).filter((message) => message.asset === 'djed')

  it(
    'announces DJED once at the first evaluation, repeats nothing while it stays, and remembers across a restart',
    async () => {
      let historyBefore: { rows: { ts: string; asset: string; decision_label: string; withdrawable_usd: number | null }[] } = { rows: [] }
      await run(3, async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/history?asset=djed`)
        historyBefore = (await response.json()) as typeof historyBefore
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
        expect(metrics).toContain('wo_notifications_total{channel="webhook",outcome="sent"}')
      })

      const first = djedMessages()
      expect(first).toHaveLength(1)
      expect(first[0]!.kind).toBe('withdraw_ok')
      expect(first[0]!.text).toStartWith('DJED: withdraw up to ')
      expect(first[0]!.url).toBe('http://wo.example.org/')
      // the message is about the first evaluation after start
      expect(historyBefore.rows.length).toBeGreaterThanOrEqual(3)
      expect(first[0]!.decision!.ts).toBe(historyBefore.rows[0]!.ts)
      expect(historyBefore.rows.every((row) => row.decision_label === 'WITHDRAW_OK' && row.withdrawable_usd !== null)).toBe(true)

      const sentBeforeRestart = hook.accepted.length
      let after: { rows: { ts: string }[] } = { rows: [] }
      let strip = ''
      await run(2, async () => {
        after = (await (await fetch(`http://127.0.0.1:${port}/api/history?asset=djed`)).json()) as typeof after
        strip = await (await fetch(`http://127.0.0.1:${port}/dashboard/history?asset=djed`)).text()
      })
      // nothing repeated after the restart, for any asset
      expect(djedMessages()).toHaveLength(1)
      expect(hook.accepted).toHaveLength(sentBeforeRestart)
      // the rows from before the restart are still there, and the strip shows them
      const beforeTs = new Set(historyBefore.rows.map((row) => row.ts))
      expect(after.rows.filter((row) => beforeTs.has(row.ts)).length).toBe(historyBefore.rows.length)
      expect(after.rows.length).toBeGreaterThan(historyBefore.rows.length)
      const djedRow = /<tr data-asset="djed"[\s\S]*?<\/tr>/.exec(strip)![0]
      expect((djedRow.match(/class="tick ok"/g) ?? []).length).toBeGreaterThanOrEqual(after.rows.length)
      expect(djedRow).toContain('last WITHDRAW_OK')
      expect(strip).toContain('<svg')
    },
    TEST_MS,
  )
})
