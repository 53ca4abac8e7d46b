/**
 * The x64 binary as shipped: copied ALONE into an empty directory (HOME elsewhere, no
 * node_modules, no config file), it prints its version and its built-in configuration, evaluates
 * the demo market once, and serves readiness, the dashboard, a chart PNG (rendered by the chart
 * worker embedded as a second entrypoint) and the metrics, then stops cleanly on SIGTERM.
 * With strace installed, the `--once` run is traced to show that the binary opens nothing in the
 * repository and no node_modules anywhere. Skipped when dist/ has no x64 binary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import YAML from 'yaml'
import packageJson from '../../package.json' with { type: 'json' }
import { binaryPath, exists, minimalEnv, ONCE_LINE, ROOT, run, sandbox, VERSION_LINE, which, type Sandbox } from './support.ts'

const BINARY = binaryPath('x64')
const built = exists(BINARY)
if (!built)
  console.warn(
    'x64 binary tests skipped: dist/alert-orchestrator-linux-x64 is not built (make build, or make test-binary which builds and runs them)',
  )

/** The first start creates the store and writes 30 days of demo data: about a second, more under strace or load. */
const FIRST_RUN_MS = 180_000
const SERVE_READY_MS = 120_000
/** Every demo state at once (src/store/demo.ts): djed withdraws, the others hold for three different reasons. */
const DEMO_DECISIONS: Record<string, { decision: number; reason?: RegExp }> = {
  djed: { decision: 1 },
  usdm: { decision: 0, reason: /non-positive gains/ },
  usdc: { decision: 0, reason: /residual gate triggered/ },
  usdt: { decision: 0, reason: /price mismatch/ },
}

function freePort(): number {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = listener.port
  listener.stop(true)
  return port
}

describe.skipIf(!built)('the x64 binary copied alone into an empty directory', () => {
  let box: Sandbox
  let versionLine = ''

  beforeAll(() => {
    box = sandbox(BINARY)
    console.log(`binary size_mb=${(statSync(BINARY).size / 1048576).toFixed(1)} dir=${box.dir}`)
  })
  afterAll(() => box?.remove())

  it('prints its version and the commit it was built from', async () => {
    const result = await run([box.binary, '--version'], box, 30_000)
    expect(result.code).toBe(0)
    versionLine = result.stdout.trim()
    const match = VERSION_LINE.exec(versionLine)
    expect(match?.[1]).toBe(packageJson.version)
    expect(match?.[2]).not.toBe('unknown')
    expect(box.entries()).toEqual(['alert-orchestrator'])
  }, 30_000)

  it('prints the built-in configuration and writes nothing', async () => {
    const result = await run([box.binary, '--print-config-normalized'], box, 30_000)
    expect(result.code).toBe(0)
    const config = JSON.parse(result.stdout)
    expect(config.domain.assets).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
    expect(config.data.databases.greptime ?? null).toBeNull()
    expect(config.data.embedded).toMatchObject({ dir: './data', seed: 'demo' })
    expect(box.entries()).toEqual(['alert-orchestrator'])
  }, 30_000)

  it(
    'evaluates the demo market once, opening nothing in the repository nor any node_modules',
    async () => {
      const strace = which('strace')
      if (!strace) console.warn('strace not installed: the --once run is not traced (apt-get install strace)')
      const trace = join(box.home, 'once.strace')
      const command = strace
        ? [strace, '-f', '-qq', '-e', 'trace=%file', '-o', trace, box.binary, '--once', '--demo']
        : [box.binary, '--once', '--demo']
      const result = await run(command, box, FIRST_RUN_MS)
      console.log(`once --demo (first start: new store + demo market${strace ? ', traced' : ''}) ms=${result.ms.toFixed(0)}`)
      expect(result.stderr).not.toContain('level=error')
      expect(result.code).toBe(0)
      const lines = result.stdout.trim().split('\n')
      expect(lines.map((line) => line.split(':')[0])).toEqual(Object.keys(DEMO_DECISIONS))
      for (const line of lines) {
        const match = ONCE_LINE.exec(line)
        expect(match, line).not.toBeNull()
        const expected = DEMO_DECISIONS[match![1]!]!
        expect(Number(match![2]), line).toBe(expected.decision)
        if (expected.reason) expect(match![5] ?? '', line).toMatch(expected.reason)
      }
      expect(box.entries()).toEqual(['alert-orchestrator', 'data'])
      if (strace) {
        const opened = (await Bun.file(trace).text()).split('\n')
        expect(opened.some((line) => line.includes('/data/store.sqlite'))).toBe(true) // the trace did see the store's file
        const outside = opened.filter((line) => line.includes(ROOT) || line.includes('node_modules'))
        expect(outside).toEqual([])
      }
    },
    FIRST_RUN_MS + 10_000,
  )

  it(
    'serves readiness, the dashboard, a chart PNG, the replay and the metrics, and stops on SIGTERM',
    async () => {
      // The shipped demo config, listening on a free loopback port: a file in the binary's directory.
      const config = YAML.parse(await Bun.file(join(ROOT, 'config/orchestrator_config.yaml')).text())
      const port = freePort()
      config.runtime.telemetry = { ...config.runtime.telemetry, listen_address: '127.0.0.1', listen_port: port }
      writeFileSync(join(box.dir, 'serve.yaml'), YAML.stringify(config))
      const base = `http://127.0.0.1:${port}`

      const started = performance.now()
      const server = Bun.spawn([box.binary, '--config', 'serve.yaml'], { cwd: box.dir, env: minimalEnv(box), stdout: 'pipe', stderr: 'pipe' })
      const stderr = new Response(server.stderr).text()
      try {
        let ready = 0
        while (performance.now() - started < SERVE_READY_MS && server.exitCode === null) {
          ready = await fetch(`${base}/readyz`).then(
            (response) => response.status,
            () => 0,
          )
          if (ready === 200) break
          await Bun.sleep(25)
        }
        expect(ready).toBe(200)
        console.log(`serve start_to_ready_ms=${(performance.now() - started).toFixed(0)} (existing store, first evaluation included)`)

        const dashboard = await fetch(`${base}/dashboard`)
        expect(dashboard.status).toBe(200)
        const html = await dashboard.text()
        const chart = /\/dashboard\/charts\/[a-z0-9]+\/[a-z_]+\.png/.exec(html)?.[0]
        expect(chart).toBeDefined()
        for (const asset of ['/static/htmx.min.js', '/static/dashboard.css']) expect((await fetch(base + asset)).status).toBe(200)

        const png = await fetch(base + chart!)
        expect(png.status).toBe(200)
        expect(png.headers.get('content-type')).toBe('image/png')
        expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

        // the Replay view runs in the replay worker, an embedded entrypoint of its own
        const replay = await fetch(`${base}/dashboard/replay?asset=usdc`, { headers: { 'HX-Request': 'true' } })
        expect(replay.status).toBe(200)
        expect(await replay.text()).toContain('id="replay-shares"')
        const timeline = await fetch(`${base}/dashboard/charts/usdc/replay.png`)
        expect(timeline.headers.get('content-type')).toBe('image/png')

        const metrics = await fetch(`${base}/metrics`)
        expect(metrics.status).toBe(200)
        const text = await metrics.text()
        expect(text).toMatch(/^wo_decision\{[^}]*asset="djed"[^}]*\} 1$/m)
        const [, version, commit] = VERSION_LINE.exec(versionLine) ?? []
        expect(text).toContain(`wo_build_info{version="${version}",commit="${commit}"} 1`)
      } finally {
        server.kill('SIGTERM')
      }
      const code = await Promise.race([server.exited, Bun.sleep(30_000).then(() => 'hung')])
      if (code === 'hung') server.kill('SIGKILL')
      expect(code).toBe(0)
      expect(await stderr).toContain('msg=stopped')
    },
    SERVE_READY_MS + 60_000,
  )
})
