/**
 * The dashboard's replay on real stores: the replay worker opens the store itself (PostgreSQL by
 * URL, the embedded store shared beside its owner) and answers exactly what the in-process replay
 * answers; the view computes it once per evaluation (any number of requests share it, a new
 * evaluation replays again) and draws its timeline in the chart worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { dirname, resolve } from 'node:path'
import { createChartRenderer } from '../../src/charts/renderer.ts'
import { loadConfigFile } from '../../src/config/load.ts'
import { LatestEvaluation } from '../../src/evaluation/latest.ts'
import type { EvaluationResult } from '../../src/evaluation/result.ts'
import type { ReplayJob } from '../../src/replay/job.ts'
import { onlyAssets, replay } from '../../src/replay/replay.ts'
import { createReplayRunner, type ReplayRunner } from '../../src/replay/runner.ts'
import type { StoreClient } from '../../src/store/client.ts'
import { seedDemo } from '../../src/store/demo.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { DAY_MS, HOUR_MS } from '../../src/store/synthetic.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { ReplayViews } from '../../src/views/replay-view.ts'
import { decodePng } from '../charts/png-decode.ts'
import { SETUP_TIMEOUT_MS, storeTargets, type TestDatabase } from '../support/pg.ts'

const SHIPPED = loadConfigFile(resolve(import.meta.dir, '../../config/orchestrator_config.yaml'), {}).config
const CONFIG = {
  ...SHIPPED,
  visualization: {
    ...SHIPPED.visualization,
    dashboard: { ...SHIPPED.visualization.dashboard, replay: { enabled: true, days: 3, every_minutes: 120 } },
  },
}
const NOW = Date.UTC(2026, 4, 10, 9, 20, 0)
const result = (at: number) => ({ at, durationMs: 1, assets: [] }) as unknown as EvaluationResult

for (const target of await storeTargets()) {
  describe.skipIf(target.skip !== null)(`dashboard replay on ${target.name}`, () => {
    let database: TestDatabase
    let client: StoreClient
    let runner: ReplayRunner
    const jobs: ReplayJob[] = []
    const store = () => (database.url !== null ? { url: database.url, dialect: 'postgres' as const } : { embeddedDir: dirname(database.path!) })

    beforeAll(async () => {
      database = await target.open()
      client = database.connect()
      await seedDemo(new StoreWriter(client), { now: NOW })
      const real = createReplayRunner()
      runner = {
        run: (job) => {
          jobs.push(job)
          return real.run(job)
        },
        close: () => real.close(),
      }
    }, SETUP_TIMEOUT_MS)

    afterAll(async () => {
      await runner?.close()
      await client?.close()
      await database?.close()
    }, SETUP_TIMEOUT_MS)

    it('answers in its worker exactly what the replay answers in process', async () => {
      const span = { from: NOW - 2 * DAY_MS, to: NOW, everyMs: 3 * HOUR_MS }
      const assets = ['usdc', 'usdm']
      const inWorker = await runner.run({ config: CONFIG, store: store(), assets, ...span })
      const inProcess = await replay(onlyAssets(CONFIG, assets), new StoreReader(client), span)
      expect(inWorker.rows).toEqual([...inProcess.rows])
      expect(inWorker.instants).toHaveLength(17)
      expect(new Set(inWorker.rows.map((row) => row.asset))).toEqual(new Set(assets))
      // in the configuration's order
      expect(inWorker.summary.map((entry) => entry.asset)).toEqual(['usdm', 'usdc'])
    }, 120_000)

    it('replays once per evaluation and asset, ending at the evaluation, and draws the timeline', async () => {
      const latest = new LatestEvaluation()
      const charts = createChartRenderer()
      try {
        const views = new ReplayViews({ config: CONFIG, latest, runner, charts, store: store() })
        const first = latest.publish(result(NOW))
        jobs.length = 0
        const [a, b] = await Promise.all([views.replay(first, 'usdc'), views.replay(first, 'usdc')])
        expect(a).toBe(b)
        expect(jobs).toHaveLength(1)
        expect(jobs[0]).toMatchObject({ assets: ['usdc'], from: NOW - 3 * DAY_MS, to: NOW, everyMs: 120 * 60_000 })
        expect(a.rows).toHaveLength(37)
        expect(a.rows.at(-1)!.at).toBe(NOW)
        // the demo's USDC anomaly holds the newest instants
        expect(a.rows.at(-1)!.decision).toBe(0)
        expect(a.summary.instants).toBe(37)

        const png = await views.png(first, 'usdc', { theme: 'dark', width: 'narrow' })
        const decoded = decodePng(png.png)
        expect([decoded.width, decoded.height]).toEqual([520, 440])
        expect(png.etag).toBe(`"${first.sequence}-usdc-replay-dark-narrow"`)
        expect(jobs).toHaveLength(1)

        const second = latest.publish(result(NOW + HOUR_MS))
        const again = await views.replay(second, 'usdc')
        expect(jobs).toHaveLength(2)
        expect(again.rows.at(-1)!.at).toBe(NOW + HOUR_MS)
      } finally {
        await charts.close()
      }
    }, 180_000)
  })
}
