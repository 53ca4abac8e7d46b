/**
 * Runs the compiled binary as a server for the benchmark and measures start-to-ready: from the
 * spawn to the first 200 of `/readyz` (which answers 200 after the first evaluation), polled every
 * 10 ms. Stops it with SIGTERM, as systemd and Docker do.
 */

import type { Subprocess } from 'bun'
import { readFileSync } from 'node:fs'

export interface RunningServer {
  readonly base: string
  readonly readyMs: number
  /** evaluations so far, from /readyz */
  evaluations(): Promise<number>
  /** the process's resident memory now and its peak so far (VmRSS, VmHWM), in MB */
  memoryMb(): { rss: number; peak: number }
  stop(): Promise<number>
}

const POLL_MS = 10

export async function startServer(binary: string, configPath: string, port: number, cwd: string, timeoutMs = 180_000): Promise<RunningServer> {
  const started = performance.now()
  const child: Subprocess = Bun.spawn([binary, '--config', configPath, '--log-level', 'warn'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd },
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const base = `http://127.0.0.1:${port}`
  let readyMs = Number.NaN
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with code ${child.exitCode}: ${await new Response(child.stderr as ReadableStream).text()}`)
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) {
      readyMs = performance.now() - started
      break
    }
    await Bun.sleep(POLL_MS)
  }
  if (Number.isNaN(readyMs)) {
    child.kill('SIGKILL')
    throw new Error(`the server was not ready within ${timeoutMs} ms`)
  }
  return {
    base,
    readyMs,
    evaluations: async () => ((await (await fetch(`${base}/readyz`)).json()) as { evaluations: number }).evaluations,
    memoryMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
      return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
    },
    stop: async () => {
      child.kill('SIGTERM')
      return child.exited
    },
  }
}
