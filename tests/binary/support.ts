/**
 * Helpers for the compiled-binary tests: where the binaries are, a throw-away directory holding
 * nothing but a copy of one (HOME elsewhere, a minimal environment), and running it there.
 * `make build` (or `make test-binary`, which builds first) produces the binaries; without them
 * these tests are skipped with a message, so `make test` passes on a fresh clone.
 */

import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '../..')
export const DIST = join(ROOT, 'dist')
export const binaryPath = (arch: 'x64' | 'arm64') => join(DIST, `alert-orchestrator-linux-${arch}`)

/** `alert-orchestrator 0.1.0 (commit 15f3c521f171-dirty)`: the defines of deploy/build.ts. */
export const VERSION_LINE = /^alert-orchestrator (\d+\.\d+\.\d+\S*) \(commit ([0-9a-f]{7,40}(?:-dirty)?|unknown)\)$/
/** One `--once` line per asset (PRODUCT §4). */
export const ONCE_LINE = /^([a-z0-9]+): decision=(-1|0|1), wmax_usd=(-?\d+\.\d\d)(?: \((\d+) wallets?\))?(?: \[reason: (.+)\])?$/

export interface Sandbox {
  /** the empty directory the binary was copied into (its cwd) */
  readonly dir: string
  /** HOME for the runs, elsewhere */
  readonly home: string
  readonly binary: string
  /** names in `dir` */
  entries(): string[]
  remove(): void
}

export function sandbox(source: string, name = 'alert-orchestrator'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'ao-binary-'))
  const home = mkdtempSync(join(tmpdir(), 'ao-binary-home-'))
  const binary = join(dir, name)
  copyFileSync(source, binary)
  chmodSync(binary, 0o755)
  return {
    dir,
    home,
    binary,
    entries: () => readdirSync(dir).sort(),
    remove: () => {
      rmSync(dir, { recursive: true, force: true })
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/** No CONFIG_PATH, LOG_LEVEL or anything else of ours leaks in. */
export function minimalEnv(box: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: box.home, TZ: 'UTC', ...extra }
}

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
  /** the child's peak resident set (under qemu: the emulator's, emulated program included) */
  readonly peakRssMb: number | null
}

export async function run(command: string[], box: Sandbox, timeoutMs: number): Promise<Ran> {
  const started = performance.now()
  const child = Bun.spawn(command, { cwd: box.dir, env: minimalEnv(box), stdout: 'pipe', stderr: 'pipe', timeout: timeoutMs, killSignal: 'SIGKILL' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  const maxRss = child.resourceUsage()?.maxRSS
  return { code, stdout, stderr, ms: performance.now() - started, peakRssMb: maxRss === undefined ? null : maxRss / 1048576 }
}

export function which(name: string): string | null {
  return Bun.which(name)
}

export function exists(path: string): boolean {
  return existsSync(path)
}
