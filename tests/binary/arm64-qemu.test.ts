/**
 * The arm64 binary, run on this x86 machine under qemu user-mode emulation
 * (`qemu-aarch64-static -L /usr/aarch64-linux-gnu`, Debian qemu-user-static + libc6-arm64-cross):
 * copied alone into an empty directory, it prints its version and evaluates the demo market once.
 *
 * Emulation is slow — measured on a 2-core x86 host with the PGlite store: `--version` ~6 s, the
 * first `--once --demo` ~75 s and ~1.6 GB peak RSS; with SQLite see the figures this test prints —
 * so it runs only when asked: `make test-binary` sets AO_TEST_QEMU=1. Skipped with a message otherwise,
 * or when the binary, qemu or the arm64 libc is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import packageJson from '../../package.json' with { type: 'json' }
import { binaryPath, exists, ONCE_LINE, run, sandbox, VERSION_LINE, which, type Sandbox } from './support.ts'

const BINARY = binaryPath('arm64')
const SYSROOT = '/usr/aarch64-linux-gnu'
const QEMU = which('qemu-aarch64-static')

function skipReason(): string | null {
  if (!exists(BINARY)) return 'dist/alert-orchestrator-linux-arm64 is not built (make build)'
  if (process.env.AO_TEST_QEMU !== '1') return 'emulation takes minutes: run make test-binary (or set AO_TEST_QEMU=1)'
  if (!QEMU) return 'qemu-aarch64-static not installed (apt-get install qemu-user-static)'
  if (!exists(`${SYSROOT}/lib/ld-linux-aarch64.so.1`)) return `no arm64 libc in ${SYSROOT} (apt-get install libc6-arm64-cross)`
  return null
}

const skip = skipReason()
if (skip) console.warn(`arm64 binary tests skipped: ${skip}`)

const VERSION_MS = 120_000
const ONCE_MS = 900_000

describe.skipIf(skip !== null)('the arm64 binary under qemu, copied alone into an empty directory', () => {
  let box: Sandbox
  const emulated = (...args: string[]) => [QEMU!, '-L', SYSROOT, box.binary, ...args]

  beforeAll(() => {
    box = sandbox(BINARY)
  })
  afterAll(() => box?.remove())

  it(
    'prints its version',
    async () => {
      const result = await run(emulated('--version'), box, VERSION_MS)
      console.log(`arm64 under qemu: --version ms=${result.ms.toFixed(0)}`)
      expect(result.code).toBe(0)
      expect(VERSION_LINE.exec(result.stdout.trim())?.[1]).toBe(packageJson.version)
    },
    VERSION_MS + 5_000,
  )

  it(
    'evaluates the demo market once',
    async () => {
      const result = await run(emulated('--once', '--demo'), box, ONCE_MS)
      console.log(
        `arm64 under qemu: first --once --demo (new store + demo market) ms=${result.ms.toFixed(0)} peak_rss_mb=${result.peakRssMb?.toFixed(0) ?? '?'}`,
      )
      expect(result.stderr).not.toContain('level=error')
      expect(result.code).toBe(0)
      const lines = result.stdout.trim().split('\n')
      expect(lines.map((line) => ONCE_LINE.exec(line)?.[1])).toEqual(['djed', 'usdm', 'usdc', 'usdt'])
      expect(lines.map((line) => Number(ONCE_LINE.exec(line)?.[2]))).toEqual([1, 0, 0, 0])
    },
    ONCE_MS + 5_000,
  )
})
