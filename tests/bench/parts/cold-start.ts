/**
 * The embedded store's cold-start and footprint figures (issue 13), each next to the figure the
 * PGlite store had on the same 2-core machine (quoted from the issue, measured with that store):
 *
 * - the binary copied alone into an empty folder: first `--once --demo` (store created + demo
 *   market), then a second one; wall time, CPU time (user + system: what a busy machine disturbs
 *   least) and peak RSS; the size of the data directory it leaves;
 * - `make run` on a fresh copy of the repository (committed tree, dependencies already installed:
 *   node_modules linked) to the first 200 of `/readyz`;
 * - the binary serving the demo for `minutes`, every chart of the dashboard rendered at the start
 *   and again every minute: RSS before the first chart, after it, and at the end.
 */

import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { startServer } from './serve.ts'
import { median } from './table.ts'
import { freePort, ROOT, writeDemoConfig } from './workload.ts'

/** The PGlite store's figures from issue 13's table (same machine, compiled x64 binary). */
export const PGLITE_FIGURES = {
  firstOnceMs: 19_700,
  firstOnceRssMb: 1_100,
  secondOnceMs: 2_400,
  secondOnceRssMb: 358,
  makeRunReadyMs: 5_200,
  servingRssMb: '470–490',
  dataDirMb: 65,
} as const

export interface ProcessRun {
  readonly wallMs: number
  readonly cpuMs: number
  readonly peakRssMb: number
}

export interface OnceFigures {
  readonly first: ProcessRun
  readonly second: ProcessRun
  readonly dataDirMb: number
}

const DEMO_ASSETS = ['djed', 'usdm', 'usdc', 'usdt']

async function timedRun(command: string[], cwd: string): Promise<ProcessRun> {
  const started = performance.now()
  const child = Bun.spawn(command, { cwd, env: { PATH: '/usr/bin:/bin', HOME: cwd, TZ: 'UTC' }, stdout: 'ignore', stderr: 'pipe' })
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()])
  const wallMs = performance.now() - started
  if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}: ${stderr.slice(-500)}`)
  const usage = child.resourceUsage()!
  return {
    wallMs,
    cpuMs: (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1000,
    peakRssMb: usage.maxRSS / 1048576,
  }
}

function directoryMb(path: string): number {
  let bytes = 0
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size
  return bytes / 1048576
}

/** Medians over `runs` fresh folders (peak RSS: the largest). */
export async function onceFromEmptyFolder(binary: string, work: string, runs: number): Promise<OnceFigures> {
  const firsts: ProcessRun[] = []
  const seconds: ProcessRun[] = []
  const sizes: number[] = []
  for (let run = 0; run < runs; run++) {
    const folder = mkdtempSync(join(work, 'alone-'))
    const copy = join(folder, 'alert-orchestrator')
    cpSync(binary, copy)
    const command = [copy, '--once', '--demo', '--log-level', 'warn']
    firsts.push(await timedRun(command, folder))
    seconds.push(await timedRun(command, folder))
    sizes.push(directoryMb(join(folder, 'data')))
    rmSync(folder, { recursive: true, force: true })
  }
  const summary = (all: ProcessRun[]): ProcessRun => ({
    wallMs: median(all.map((r) => r.wallMs)),
    cpuMs: median(all.map((r) => r.cpuMs)),
    peakRssMb: Math.max(...all.map((r) => r.peakRssMb)),
  })
  return { first: summary(firsts), second: summary(seconds), dataDirMb: median(sizes) }
}

/** The committed tree in a fresh folder, node_modules linked, `make run` → first 200 of /readyz. */
export async function makeRunToReady(work: string, runs: number): Promise<number[]> {
  const readyMs: number[] = []
  for (let run = 0; run < runs; run++) {
    const clone = mkdtempSync(join(work, 'clone-'))
    const archive = Bun.spawnSync(['sh', '-c', `git -C '${ROOT}' archive HEAD | tar -x -C '${clone}'`])
    if (!archive.success) throw new Error(`git archive failed: ${archive.stderr.toString()}`)
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'))
    // Older than the install stamp: make must not reinstall ("dependencies already installed").
    const past = new Date('2000-01-01T00:00:00Z')
    for (const file of ['package.json', 'bun.lock']) utimesSync(join(clone, file), past, past)
    const port = freePort()
    mkdirSync(join(clone, 'bench'))
    const config = await writeDemoConfig(join(clone, 'bench', 'config.yaml'), join(clone, 'data'), { port, intervalMinutes: 60 })
    const started = performance.now()
    // setsid: make and the bun it starts form one process group, stopped together below.
    const child = Bun.spawn(['setsid', 'make', '--no-print-directory', 'run', `ARGS=--config ${config} --log-level warn`], {
      cwd: clone,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: clone },
      stdout: 'ignore',
      stderr: 'pipe',
    })
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`make run exited with ${child.exitCode}: ${await new Response(child.stderr).text()}`)
        const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        )
        if (status === 200) break
        if (performance.now() - started > 120_000) throw new Error('make run was not ready within 120 s')
        await Bun.sleep(10)
      }
      readyMs.push(performance.now() - started)
    } finally {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        // already gone
      }
      await child.exited
      rmSync(clone, { recursive: true, force: true })
    }
  }
  return readyMs
}

export interface ServingFigures {
  readonly readyMs: number
  readonly beforeChartsMb: number
  readonly afterFirstChartsMb: number
  readonly endMb: number
  readonly peakMb: number
  readonly renders: number
}

/** The binary serving the demo for `minutes`, every chart rendered at the start and every minute. */
export async function servingMemory(binary: string, work: string, minutes: number, progress: (line: string) => void): Promise<ServingFigures> {
  const dir = mkdtempSync(join(work, 'soak-'))
  const port = freePort()
  const config = await writeDemoConfig(join(dir, 'config.yaml'), join(dir, 'data'), { port, intervalMinutes: 5 })
  const server = await startServer(binary, config, port, dir)
  let renders = 0
  const renderAll = async () => {
    for (const asset of DEMO_ASSETS)
      for (const chart of ['position', 'prices']) {
        const response = await fetch(`${server.base}/dashboard/charts/${asset}/${chart}.png`)
        await response.arrayBuffer()
        if (response.status === 200) renders++
      }
  }
  try {
    await Bun.sleep(2_000)
    const beforeChartsMb = server.memoryMb().rss
    await renderAll()
    await Bun.sleep(2_000)
    const afterFirstChartsMb = server.memoryMb().rss
    const end = performance.now() + minutes * 60_000
    while (performance.now() < end) {
      await Bun.sleep(Math.min(60_000, Math.max(0, end - performance.now())))
      await renderAll()
      progress(
        `serving the demo: ${((minutes * 60_000 - (end - performance.now())) / 60_000).toFixed(1)} min, RSS ${server.memoryMb().rss.toFixed(0)} MB`,
      )
    }
    const memory = server.memoryMb()
    return { readyMs: server.readyMs, beforeChartsMb, afterFirstChartsMb, endMb: memory.rss, peakMb: memory.peak, renders }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
