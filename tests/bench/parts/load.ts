/**
 * HTTP load for the benchmark, two ways, because neither alone is the whole truth:
 *
 * - `openLoop`: a constant-rate generator in Bun. Request i is due at start + i/rate whatever
 *   happened to the earlier ones (open loop, like wrk2), and its latency is counted from when it
 *   was due, not from when it was sent — so a server stall shows up in every request that should
 *   have been sent during it (no coordinated omission). The generator shares the machine with the
 *   server; its own timer jitter (~1 ms) is included, which makes its figures conservative.
 * - `wrk`: Debian's wrk (closed loop, no -R option). A Lua `delay()` makes each of -c connections
 *   wait ≈ c/rate between requests, so it sends about `rate` req/s; its percentiles come from
 *   `--latency`. During a stall its connections simply wait, so its tail is optimistic.
 */

import { join } from 'node:path'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'

export interface LoadResult {
  readonly tool: 'open-loop' | 'wrk'
  readonly requests: number
  readonly achievedRps: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
  /** non-2xx answers and transport errors */
  readonly errors: number
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

export async function openLoop(url: string, rate: number, seconds: number): Promise<LoadResult> {
  const total = Math.round(rate * seconds)
  const spacing = 1000 / rate
  const latencies: number[] = []
  const pending: Promise<void>[] = []
  let errors = 0
  const start = performance.now() + 20
  const fire = (due: number) =>
    fetch(url)
      .then(async (response) => {
        await response.arrayBuffer()
        if (!response.ok) errors++
      })
      .catch(() => void errors++)
      .finally(() => latencies.push(performance.now() - due))
  let next = 0
  while (next < total) {
    const now = performance.now()
    while (next < total && start + next * spacing <= now) pending.push(fire(start + next++ * spacing))
    await Bun.sleep(Math.max(0, Math.min(1, start + next * spacing - performance.now())))
  }
  await Promise.all(pending)
  const elapsed = (performance.now() - start) / 1000
  const sorted = latencies.sort((a, b) => a - b)
  return {
    tool: 'open-loop',
    requests: total,
    achievedRps: total / elapsed,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    errors,
  }
}

const DELAY_SCRIPT = `-- each connection waits this long after an answer before the next request
local delay_ms = 0
function init(args) delay_ms = tonumber(args[1]) or 0 end
function delay() return delay_ms end
local non2xx = 0
function response(status, headers, body) if status < 200 or status > 299 then non2xx = non2xx + 1 end end
`

function milliseconds(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim())
  if (!match) return Number.NaN
  const value = Number(match[1])
  return match[2] === 'us' ? value / 1000 : match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000
}

export function wrkAvailable(): boolean {
  return Bun.which('wrk') !== null
}

export async function wrk(url: string, rate: number, seconds: number, connections = 10): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ao-wrk-'))
  const script = join(dir, 'delay.lua')
  writeFileSync(script, DELAY_SCRIPT)
  // ≈1 ms of service time per request on loopback; the rest of each connection's cycle is the delay.
  const delayMs = Math.max(0, Math.round((connections * 1000) / rate) - 1)
  const process = Bun.spawn(
    ['wrk', '-t', '2', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '5s', '--latency', '-s', script, url, '--', String(delayMs)],
    { stdout: 'pipe', stderr: 'pipe' },
  )
  const output = await new Response(process.stdout).text()
  if ((await process.exited) !== 0) throw new Error(`wrk failed: ${await new Response(process.stderr).text()}`)
  const percent = (p: string) => milliseconds(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '')
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? NaN)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0)
  return {
    tool: 'wrk',
    requests,
    achievedRps: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN),
    p50: percent('50'),
    p90: percent('90'),
    p99: percent('99'),
    max: milliseconds(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(output)?.[1] ?? ''),
    errors: non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  }
}
