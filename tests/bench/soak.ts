/**
 * Memory soak: runs evaluations back to back on the embedded demo store (with the dashboard's
 * charts rendered after each, as a browser would ask for them) and prints the resident set size
 * every `--every` evaluations, to show it does not grow.
 *
 *   bun tests/bench/soak.ts [--evaluations 120] [--every 12]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfigTree } from '../../src/config/load.ts'
import { setLogLevel } from '../../src/log.ts'
import { startServices } from '../../src/services.ts'
import { createWebApp } from '../../src/web/app.ts'

const { values } = parseArgs({ options: { evaluations: { type: 'string', default: '120' }, every: { type: 'string', default: '12' } } })
const total = Number(values.evaluations)
const every = Number(values.every)
setLogLevel('warn')

const dir = mkdtempSync(join(tmpdir(), 'ao-soak-'))
const loaded = loadConfigTree(
  {
    data: { embedded: { dir, seed: 'demo' } },
    prices: {
      priority_by_logical: { liqwid: ['greptime(liqwid)'], minswap: ['greptime(minswap)'] },
      endpoints: { liqwid_graphql: null, minswap_aggregator: null },
    },
    analysis: { decision: { reference: { keyword: 'alert_driven' }, gate: { enabled: true, lookback_hours: 48 } }, price_compare: { enabled: true } },
    runtime: { telemetry: { listen_address: '127.0.0.1' } },
  },
  {},
  'soak',
)
const services = await startServices(loaded, { demo: true, testPrefix: false })
const app = createWebApp(services.web)
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
console.log('evaluations\trss_mb\theap_mb')
try {
  for (let i = 1; i <= total; i++) {
    await services.runEvaluation()
    for (const asset of loaded.config.domain.assets) await (await app.request(`/dashboard/charts/${asset}/position.png`)).arrayBuffer()
    await (await app.request('/metrics')).text()
    await (await app.request('/api/decisions')).text()
    if (i % every === 0 || i === 1) {
      Bun.gc(true)
      const usage = process.memoryUsage()
      console.log(`${i}\t${mb(usage.rss)}\t${mb(usage.heapUsed)}`)
    }
  }
} finally {
  await services.close()
  rmSync(dir, { recursive: true, force: true })
}
