/**
 * The performance figures of PRODUCT §7, as ONE table on stdout (progress goes to stderr):
 *
 *   bun tests/bench/bench.ts [--url postgres://postgres@127.0.0.1:5432/ao_bench] [--runs 7]
 *                        [--rate 500] [--page-rate 50] [--http-seconds 10] [--skip-http] [--drop]
 *                        [--soak-minutes 10]
 *
 * 1. Workload L in PostgreSQL (bench/workload.ts: reused when it has the right shape, else made by
 *    tests/bench/gen-workload.ts in a database of its own).
 * 2. Evaluation = `startServices` + `runEvaluation` in a child process (bench/evaluate.ts): the
 *    cycle `--once` runs, warm, median of --runs; peak RSS of that process. Next to it, the read
 *    floor (bench/floor.ts: the same SELECTs replayed through the same driver right after each
 *    evaluation, in the same process) and the median of the paired ratios; the
 *    engine's share (pure computation, from the evaluation's own timings); the compiled binary's
 *    `--once` from a cold start; the colleagues' store measurements (tests/bench/measure-store.ts).
 * 3. The same evaluation on the small embedded demo store (SQLite), and the embedded store's cold
 *    start and footprint (bench/cold-start.ts): the binary alone in an empty folder, `make run`
 *    on a fresh copy to ready, RSS while serving the demo with charts for --soak-minutes.
 * 4. Chart render time (tests/bench/charts.ts).
 * 5. HTTP latency while evaluations run every 3 s: the compiled binary serving the demo store,
 *    then workload L; /metrics and /api/decisions at --rate req/s, the dashboard page and its
 *    fragment at --page-rate; an open-loop constant-rate generator and wrk (bench/load.ts).
 *    Start-to-ready of the binary: spawn → first 200 of /readyz.
 * 6. After the table, the residual gate's detection bench (tests/bench/gate.ts): its own table.
 *
 * A benchmark reports, it does not gate: the exit status is 0 unless a step could not run.
 * Wall-clock figures depend on the machine and on what else runs on it; the header says both.
 */

import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PostgresClient } from '../../src/store/postgres-client.ts'
import { PGLITE_FIGURES, makeRunToReady, onceFromEmptyFolder, servingMemory } from './parts/cold-start.ts'
import { openLoop, wrk, wrkAvailable, type LoadResult } from './parts/load.ts'
import { startServer } from './parts/serve.ts'
import { Table, median, ms, mb } from './parts/table.ts'
import { ROOT, WORKLOAD_L, WORKLOAD_L_ROWS, dropWorkload, ensureWorkloadL, freePort, writeDemoConfig, writeWorkloadConfig } from './parts/workload.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/ao_bench' },
    runs: { type: 'string', default: '7' },
    rate: { type: 'string', default: '500' },
    'page-rate': { type: 'string', default: '50' },
    'http-seconds': { type: 'string', default: '10' },
    'skip-http': { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
    'soak-minutes': { type: 'string', default: '10' },
  },
})
const url = values.url!
const runs = Math.max(3, Number(values.runs) || 7)
const rate = Number(values.rate) || 500
const pageRate = Number(values['page-rate']) || 50
const httpSeconds = Number(values['http-seconds']) || 10
const soakMinutes = Math.max(0, Number(values['soak-minutes'] ?? 10))
/** Evaluations "every few seconds" while the HTTP load runs. */
const SERVE_INTERVAL_MINUTES = 0.05
const BINARY = join(ROOT, 'dist/alert-orchestrator-linux-x64')
const COLD_RUNS = 5

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`)
const work = mkdtempSync(join(tmpdir(), 'ao-bench-'))
const table = new Table()

/** Runs a Bun script of ours and returns its stdout (its stderr goes to ours). */
async function bunScript(args: string[]): Promise<string> {
  const child = Bun.spawn([process.execPath, ...args], { cwd: ROOT, stdout: 'pipe', stderr: 'inherit' })
  const output = await new Response(child.stdout).text()
  if ((await child.exited) !== 0) throw new Error(`${args[0]} failed (exit ${child.exitCode})`)
  return output
}

const lastJson = <T>(output: string): T => JSON.parse(output.trim().split('\n').at(-1)!) as T
const fields = (line: string | undefined): Record<string, string> =>
  Object.fromEntries(
    (line ?? '')
      .split(/\s+/)
      .filter((part) => part.includes('='))
      .map((part) => part.split('=', 2) as [string, string]),
  )

interface EvaluationRun {
  samples: { wallMs: number; evaluateMs: number; engineMs: number; fetchMaxMs: number; decisions: string; wallets: number; floorMs: number | null }[]
  statements: number
  floorRows: number
  maxRssKb: number
}

async function postgresVersion(): Promise<string> {
  const client = new PostgresClient({ url: Object.assign(new URL(url), { pathname: '/postgres' }).toString(), dialect: 'postgres' })
  try {
    return String((await client.query('version', 'SHOW server_version'))[0]?.server_version ?? '?')
  } finally {
    await client.close()
  }
}

async function ensureBinary(): Promise<void> {
  if (existsSync(BINARY)) return
  progress('dist/alert-orchestrator-linux-x64 missing: building it')
  await bunScript(['deploy/build.ts', '--target', 'x64'])
}

async function workloadL(): Promise<void> {
  progress('workload L: checking ao_bench')
  const status = await ensureWorkloadL(url, progress)
  const db = new URL(url).pathname.slice(1)
  table.note(
    `workload L: database ${db}, ${WORKLOAD_L.assets} assets × ${WORKLOAD_L.wallets} wallets × ${WORKLOAD_L.days} days @ ${WORKLOAD_L.stepMinutes} min = ` +
      `${WORKLOAD_L_ROWS.toLocaleString('en')} position rows (${status.action}, ${status.seconds.toFixed(1)} s)`,
  )

  const config = await writeWorkloadConfig(join(work, 'workload-l.yaml'), url)
  const statements = join(work, 'statements.json')
  progress(`evaluation on workload L: warm-up + ${runs} runs (startServices + runEvaluation, in-process), each followed by the read floor`)
  const evaluation = lastJson<EvaluationRun>(
    await bunScript(['tests/bench/parts/evaluate.ts', '--config', config, '--runs', String(runs), '--statements', statements, '--floor-url', url]),
  )
  progress('read floor on its own, for its RSS')
  const floorAlone = lastJson<{ ms: number[]; maxRssKb: number }>(
    await bunScript(['tests/bench/parts/floor.ts', '--url', url, '--statements', statements, '--runs', '3']),
  )
  const evaluationMs = median(evaluation.samples.map((s) => s.evaluateMs))
  const floorMs = median(evaluation.samples.map((s) => s.floorMs!))
  // Each evaluation is paired with the floor replay right after it: the median of the pairs'
  // ratios is what a busy machine disturbs least.
  const ratio = median(evaluation.samples.map((s) => s.evaluateMs / s.floorMs!))
  const wallets = evaluation.samples[0]!.wallets
  table.note(`workload L decisions: ${evaluation.samples[0]!.decisions} (${wallets} wallets)`)
  table.section('Evaluation of workload L (PostgreSQL)')
  table.row(`full evaluation, in-process warm: median of ${runs}`, ms(evaluationMs), '< 1000 ms', evaluationMs < 1000)
  table.row('  same, runEvaluation wall (metrics update included)', ms(median(evaluation.samples.map((s) => s.wallMs))))
  table.row(`  read floor: its ${evaluation.statements} SELECTs (${evaluation.floorRows.toLocaleString('en')} rows), plain driver`, ms(floorMs))
  table.row('  evaluation / read floor (median of paired runs)', `${ratio.toFixed(2)}×`, '≤ 1.5×', ratio <= 1.5)
  table.row('  engine only (pure computation, sum over assets)', ms(median(evaluation.samples.map((s) => s.engineMs))))
  table.row('  peak RSS of the evaluating process', mb(evaluation.maxRssKb / 1024), '< 250 MB', evaluation.maxRssKb / 1024 < 250)
  table.row('  peak RSS of the floor alone (Bun + driver, no services)', mb(floorAlone.maxRssKb / 1024))

  progress(`compiled binary --once on workload L: ${COLD_RUNS} cold runs`)
  const cold: { ms: number; cpuMs: number; rssMb: number }[] = []
  for (let run = 0; run < COLD_RUNS; run++) {
    const started = performance.now()
    const child = Bun.spawn([BINARY, '--config', config, '--once', '--log-level', 'warn'], { cwd: work, stdout: 'ignore', stderr: 'inherit' })
    const code = await child.exited
    if (code !== 0) throw new Error(`the binary's --once exited with ${code}`)
    const usage = child.resourceUsage()
    const cpuMs = usage ? (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1000 : Number.NaN
    cold.push({ ms: performance.now() - started, cpuMs, rssMb: (usage?.maxRSS ?? Number.NaN) / 1048576 })
  }
  const coldMs = median(cold.map((c) => c.ms))
  const coldRss = Math.max(...cold.map((c) => c.rssMb))
  table.row(`compiled binary --once, cold process: median of ${COLD_RUNS} (wall; PGlite era: 810–900 ms)`, ms(coldMs), '< 500 ms', coldMs < 500)
  table.row("  its CPU time (user + system; PostgreSQL's own CPU not included)", ms(median(cold.map((c) => c.cpuMs))))
  table.row('  its peak RSS', mb(coldRss), '< 150 MB', coldRss < 150)

  await replayOfWorkloadL(config)

  progress("tests/bench/measure-store.ts (the store's readers and 30-day floors)")
  const measured = (await bunScript(['tests/bench/measure-store.ts', '--url', url, '--runs', '5'])).split('\n')
  const describe: Record<string, string> = {
    store: 'readers over 30 days (aggregate, transactions, wallet samples)',
    driver: 'all raw rows of 30 days, plain SELECT, same driver',
    'psql-raw': 'the same raw rows through psql \\copy',
    'psql-reader-sql': "the readers' SQL through psql \\copy",
  }
  table.section('tests/bench/measure-store.ts: 30-day reads, median of 5')
  for (const line of measured.filter((l) => l.startsWith('variant='))) {
    const f = fields(line)
    if (!f.median_ms) continue
    const rss = f.peak_rss_mb ? `, peak RSS ${f.peak_rss_mb} MB` : ''
    const rows = Number(f.rows) > 0 ? `${Number(f.rows).toLocaleString('en')} rows` : 'rows to /dev/null'
    table.row(`${describe[f.variant!] ?? f.variant} (${rows}${rss})`, ms(Number(f.median_ms)))
  }
}

/** The last 30 days of workload L hourly (720 instants × 4 assets) through the compiled binary's `replay`. */
async function replayOfWorkloadL(config: string): Promise<void> {
  const client = new PostgresClient({ url, dialect: 'postgres' })
  let last: number
  try {
    const row = (await client.query('workload end', 'SELECT MAX(ts) AS last FROM liqwid_supply_positions_djed'))[0]
    // the driver parses timestamps to epoch ms; text is read as an ISO instant
    last = typeof row?.last === 'number' ? row.last : Date.parse(String(row?.last))
  } finally {
    await client.close()
  }
  const hour = 3_600_000
  const to = Math.floor(last / hour) * hour
  const from = to - 719 * hour
  progress('compiled binary replay of workload L: 720 hourly instants')
  const started = performance.now()
  const child = Bun.spawn(
    [
      BINARY,
      'replay',
      '--config',
      config,
      '--from',
      new Date(from).toISOString(),
      '--to',
      new Date(to).toISOString(),
      '--every',
      '1h',
      '--format',
      'json',
      '--out',
      join(work, 'replay.json'),
    ],
    { cwd: work, stdout: 'ignore', stderr: 'pipe' },
  )
  const stderr = await new Response(child.stderr).text()
  if ((await child.exited) > 1) throw new Error(`the binary's replay exited with ${child.exitCode}: ${stderr.slice(-500)}`)
  const wallMs = performance.now() - started
  const rssMb = (child.resourceUsage()?.maxRSS ?? Number.NaN) / 1048576
  const finished = fields(stderr.split('\n').find((line) => line.includes('msg="replay finished"')))
  table.row('replay of workload L, 30 days hourly (720 instants × 4 assets), compiled, cold (wall)', ms(wallMs), '< 10000 ms', wallMs < 10_000)
  table.row('  time per instant (4 assets; reads included)', ms(Number(finished.per_instant_ms)))
  table.row('  its peak RSS', mb(rssMb), '< 300 MB', rssMb < 300)
}

async function embeddedStore(): Promise<void> {
  const dir = join(work, 'embedded-eval')
  const config = await writeDemoConfig(join(work, 'demo-eval.yaml'), join(dir, 'data'))
  // The first start of an embedded store creates it and writes the demo market: measured apart,
  // so the timed process shows the steady state of a daemon on an existing store.
  progress('embedded demo store: first start (new store + demo market)')
  const first = lastJson<EvaluationRun>(await bunScript(['tests/bench/parts/evaluate.ts', '--config', config, '--demo', '--runs', '1']))
  progress(`evaluation on the embedded demo store: warm-up + ${runs} runs`)
  const evaluation = lastJson<EvaluationRun>(await bunScript(['tests/bench/parts/evaluate.ts', '--config', config, '--demo', '--runs', String(runs)]))
  const wallets = evaluation.samples[0]!.wallets
  table.note(`small workload: the demo market in the embedded store (SQLite), 4 assets, ${wallets} wallets, 30 days @ 15 min`)
  table.section('Evaluation of the small workload (embedded store)')
  table.row(`full evaluation, in-process warm: median of ${runs}`, ms(median(evaluation.samples.map((s) => s.evaluateMs))))
  table.row('  engine only', ms(median(evaluation.samples.map((s) => s.engineMs))))
  table.row('  peak RSS, existing store (SQLite runs inside this process)', mb(evaluation.maxRssKb / 1024))
  table.row('  peak RSS, first start of a new store (store + demo market)', mb(first.maxRssKb / 1024))
}

/** Issue 13's targets, each next to the PGlite store's figure. */
async function coldStart(): Promise<void> {
  const pg = PGLITE_FIGURES
  progress(`binary alone in an empty folder: first and second --once --demo, ${COLD_RUNS} folders`)
  const once = await onceFromEmptyFolder(BINARY, work, COLD_RUNS)
  table.section(`Embedded store: cold start and footprint (compiled x64 binary; median of ${COLD_RUNS}, peak RSS the largest)`)
  table.row(
    `binary alone, first --once --demo (store + demo market): wall / CPU (PGlite: ${pg.firstOnceMs / 1000} s)`,
    `${ms(once.first.wallMs)} / ${ms(once.first.cpuMs)}`,
    '< 1000 ms',
    once.first.wallMs < 1000,
  )
  table.row(`  its peak RSS (PGlite: ${pg.firstOnceRssMb} MB)`, mb(once.first.peakRssMb), '< 120 MB', once.first.peakRssMb < 120)
  table.row(
    `binary alone, second --once --demo: wall / CPU (PGlite: ${pg.secondOnceMs / 1000} s)`,
    `${ms(once.second.wallMs)} / ${ms(once.second.cpuMs)}`,
    '< 400 ms',
    once.second.wallMs < 400,
  )
  table.row(`  its peak RSS (PGlite: ${pg.secondOnceRssMb} MB)`, mb(once.second.peakRssMb))
  table.row(`demo data directory (PGlite: ${pg.dataDirMb} MB)`, `${once.dataDirMb.toFixed(1)} MB`, '< 15 MB', once.dataDirMb < 15)
  progress('make run on a fresh copy of the repository to /readyz 200: 3 runs')
  const ready = median(await makeRunToReady(work, 3))
  table.row(
    `make run, fresh copy, deps installed, to /readyz 200: median of 3 (PGlite: ${pg.makeRunReadyMs / 1000} s)`,
    ms(ready),
    '< 2000 ms',
    ready < 2000,
  )
  if (soakMinutes === 0) {
    table.note('serving soak skipped (--soak-minutes 0)')
    return
  }
  progress(`serving the demo for ${soakMinutes} min, every chart rendered at the start and every minute`)
  const serving = await servingMemory(BINARY, work, soakMinutes, progress)
  table.row(
    `serving the demo: RSS after ${soakMinutes} min, ${serving.renders} chart renders (PGlite: ${pg.servingRssMb} MB)`,
    mb(serving.endMb),
    '< 120 MB',
    serving.endMb < 120,
  )
  table.row(
    '  RSS before the first chart / after the first charts / peak',
    `${mb(serving.beforeChartsMb)} / ${mb(serving.afterFirstChartsMb)} / ${mb(serving.peakMb)}`,
  )
}

async function charts(): Promise<void> {
  progress('chart render (tests/bench/charts.ts)')
  const lines = (await bunScript(['tests/bench/charts.ts', '--runs', '20', '--warmup', '5'])).split('\n')
  const find = (name: string) => fields(lines.find((line) => line.startsWith(`bench=${name} `)))
  const workload = fields(lines.find((line) => line.startsWith('workload=')))
  table.note(`charts: the 3-panel diagnostic of workload L, ${workload.points ?? '?'} points, ${workload.size ?? '?'} px; median / p95 of 20 renders`)
  table.section('Charts')
  for (const [name, label] of [
    ['chart_in_process', 'in the calling thread'],
    ['chart_worker', 'through the worker pool (what the dashboard uses)'],
  ] as const) {
    const f = find(name)
    const p95 = Number(f.p95_ms)
    table.row(`composite chart, ${label}`, `${f.median_ms} / ${f.p95_ms} ms`, '< 150 ms', p95 < 150)
  }
  const stages = find('chart_stages')
  table.row('  stages: scene / satori / rasterise+encode', `${stages.scene_ms} / ${stages.satori_ms} / ${stages.rasterize_encode_ms} ms`)
  table.row('  main-thread event-loop lag during worker renders', `${find('chart_worker_main_thread').max_event_loop_lag_ms} ms max`)
}

function loadRow(label: string, result: LoadResult, goalMs: number | null): void {
  const value = `p50 ${result.p50.toFixed(2)} / p90 ${result.p90.toFixed(2)} / p99 ${result.p99.toFixed(2)} / max ${result.max.toFixed(1)} ms @ ${result.achievedRps.toFixed(0)} req/s${result.errors ? `, ${result.errors} errors` : ''}`
  table.row(
    `${label} [${result.tool}]`,
    value,
    goalMs === null ? '' : `p99 < ${goalMs} ms`,
    goalMs === null ? null : result.p99 < goalMs && result.errors === 0,
  )
}

/** Seconds of discarded load per endpoint before measuring: a fresh process runs its request path in the interpreter first. */
const WARM_UP_SECONDS = 3

async function warmUp(base: string, paths: readonly [string, number][]): Promise<void> {
  for (const [path, targetRate] of paths) await openLoop(base + path, targetRate, WARM_UP_SECONDS)
}

async function http(name: 'demo' | 'workload L'): Promise<void> {
  const dir = mkdtempSync(join(work, 'serve-'))
  const port = freePort()
  const serve = { port, intervalMinutes: SERVE_INTERVAL_MINUTES }
  const config =
    name === 'demo'
      ? await writeDemoConfig(join(dir, 'config.yaml'), join(dir, 'data'), serve)
      : await writeWorkloadConfig(join(dir, 'config.yaml'), url, serve)
  progress(`HTTP on the ${name} store: starting the compiled binary`)
  let server = await startServer(BINARY, config, port, dir)
  table.section(`HTTP: compiled binary, ${name} store, evaluating every ${SERVE_INTERVAL_MINUTES * 60} s`)
  if (name === 'demo') {
    table.row('start-to-ready, first start (initdb + demo market + first evaluation)', ms(server.readyMs))
    await server.stop()
    server = await startServer(BINARY, config, port, dir)
    table.row('start-to-ready, restart on the existing store', ms(server.readyMs))
  } else table.row('start-to-ready (connect + first evaluation of workload L)', ms(server.readyMs))
  try {
    const targets: [string, string, number, number | null][] = [
      ['/metrics', '/metrics', rate, 10],
      ['/api/decisions', '/api/decisions', rate, 10],
      ['/dashboard page', '/dashboard?asset=usdc', pageRate, null],
      ['/dashboard/fragment (full re-render)', '/dashboard/fragment?asset=usdc', pageRate, null],
    ]
    progress(`HTTP ${name}: warming up (${WARM_UP_SECONDS} s per endpoint, discarded)`)
    await warmUp(
      server.base,
      targets.map(([, path, targetRate]) => [path, targetRate]),
    )
    const before = await server.evaluations()
    for (const [label, path, targetRate, goal] of targets) {
      progress(`HTTP ${name}: ${label} at ${targetRate} req/s`)
      loadRow(`${label} at ${targetRate} req/s`, await openLoop(server.base + path, targetRate, httpSeconds), goal)
      if (wrkAvailable()) loadRow(`${label} at ${targetRate} req/s`, await wrk(server.base + path, targetRate, httpSeconds), goal)
    }
    const after = await server.evaluations()
    const memory = server.memoryMb()
    table.row('evaluations completed during the measurements', String(after - before))
    table.row('server RSS now / peak', `${memory.rss.toFixed(0)} / ${memory.peak.toFixed(0)} MB`)
    if (!wrkAvailable()) table.note('wrk not installed (apt-get install wrk): open-loop generator only')
  } finally {
    const code = await server.stop()
    if (code !== 0) table.note(`the ${name} server exited with code ${code} on SIGTERM`)
  }
  // Control: the same server with no evaluation after the first one, to tell the evaluations'
  // share of the tail from the machine's (and the load generator's) own noise.
  const quiet =
    name === 'demo'
      ? await writeDemoConfig(config, join(dir, 'data'), { port, intervalMinutes: 60 })
      : await writeWorkloadConfig(config, url, { port, intervalMinutes: 60 })
  progress(`HTTP ${name}: control run without evaluations`)
  server = await startServer(BINARY, quiet, port, dir)
  try {
    await warmUp(server.base, [
      ['/metrics', rate],
      ['/api/decisions', rate],
    ])
    for (const path of ['/metrics', '/api/decisions'])
      loadRow(`control, no evaluation running: ${path} at ${rate} req/s`, await openLoop(server.base + path, rate, httpSeconds), null)
  } finally {
    await server.stop()
  }
}

try {
  await ensureBinary()
  table.note(
    `HTTP: ${httpSeconds} s per measurement; open-loop = constant-rate generator in Bun (latency from the due time), wrk = Debian wrk with a Lua delay() pacing 10 connections`,
  )
  table.note(
    `host: ${availableParallelism()} CPUs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, bun ${Bun.version}, PostgreSQL ${await postgresVersion()}`,
  )
  await workloadL()
  await embeddedStore()
  await coldStart()
  await charts()
  if (values['skip-http']) table.note('HTTP measurements skipped (--skip-http)')
  else {
    await http('demo')
    await http('workload L')
  }
  table.note(
    `load at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  console.log(table.render())
  // the gate's detection figures are not timings: their own table, seeded and deterministic
  progress('gate detection (tests/bench/gate.ts)')
  console.log(`\n${await bunScript(['tests/bench/gate.ts'])}`)
} finally {
  rmSync(work, { recursive: true, force: true })
  if (values.drop) await dropWorkload(url)
}
