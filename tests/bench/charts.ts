/**
 * PRODUCT §7: "a 3-panel diagnostic chart renders in under 150 ms". Renders the workload-L
 * composite for one asset (8,640 points per series: 30 days at 5-minute samples, residuals, a
 * 200-point KDE) in-process and through the worker renderer, after warm-up, and prints one
 * `key=value` line per measurement. While the worker renders, it also samples the main thread's
 * event-loop lag, which is what `/metrics` latency would feel.
 *
 *   bun tests/bench/charts.ts [--runs 20] [--warmup 5]
 *
 * Exit status 0 always: a benchmark reports, it does not gate.
 */

import { availableParallelism, loadavg } from 'node:os'
import { diagnosticScene } from '../../src/charts/diagnostic.ts'
import { renderDiagnosticPng, sceneToSvg, svgToPng } from '../../src/charts/render.ts'
import { createChartRenderer } from '../../src/charts/renderer.ts'
import { workloadLDiagnostic } from '../charts/fixtures.ts'

const TARGET_MS = 150

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  const median = percentile(sorted, 0.5)
  const p95 = percentile(sorted, 0.95)
  return `bench=${name} runs=${samples.length} median_ms=${median.toFixed(1)} p95_ms=${p95.toFixed(1)} max_ms=${sorted[sorted.length - 1]!.toFixed(1)} target_ms=${TARGET_MS} ok=${p95 < TARGET_MS}`
}

async function timed(runs: number, render: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await render()
    samples.push(performance.now() - started)
  }
  return samples
}

const runs = argument('runs', 20)
const warmup = argument('warmup', 5)
const input = workloadLDiagnostic()
// Wall-clock figures mean little on a machine busy with something else: say how busy it was.
console.log(`host cpus=${availableParallelism()} load_1m=${loadavg()[0]!.toFixed(2)}`)
console.log(
  `workload=L points=${input.series.ts.length} residuals=${input.residuals?.ts.length ?? 0} kde=${input.residuals?.kde?.x.length ?? 0} size=1200x600`,
)

await timed(warmup, () => renderDiagnosticPng(input))
console.log(summary('chart_in_process', await timed(runs, () => renderDiagnosticPng(input))))
// The dashboard's other renders of the same chart: dark, and the narrow one phones get (larger type).
const dark = { ...input, theme: 'dark' as const }
console.log(summary('chart_in_process_dark', await timed(runs, () => renderDiagnosticPng(dark))))
const narrow = { ...input, size: { width: 520, height: 460 }, compact: true }
console.log(summary('chart_in_process_narrow', await timed(runs, () => renderDiagnosticPng(narrow))))
// The default "gain since t0" view: one panel, no residuals, a t0 line and the last value in tokens.
const gain = { ...input, residuals: undefined, verticalLines: [{ ts: input.series.ts[0]!, label: 't0' }], lastLabelSuffix: ' · 1,234.56 DJED' }
console.log(summary('chart_gain_view', await timed(runs, () => renderDiagnosticPng(gain))))

// Where the in-process time goes: scene (data → shapes), svg (satori text layer), png (resvg + deflate).
const stages = { scene: [] as number[], svg: [] as number[], png: [] as number[] }
for (let i = 0; i < runs; i++) {
  const t0 = performance.now()
  const scene = diagnosticScene(input)
  const t1 = performance.now()
  const svg = await sceneToSvg(scene)
  const t2 = performance.now()
  await svgToPng(svg)
  const t3 = performance.now()
  stages.scene.push(t1 - t0)
  stages.svg.push(t2 - t1)
  stages.png.push(t3 - t2)
}
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  ).toFixed(1)
console.log(`bench=chart_stages scene_ms=${median(stages.scene)} satori_ms=${median(stages.svg)} rasterize_encode_ms=${median(stages.png)}`)

const renderer = createChartRenderer({ workers: 1 })
try {
  await timed(warmup, () => renderer.renderDiagnostic(input))
  let maxLag = 0
  let expected = performance.now() + 1
  const probe = setInterval(() => {
    const now = performance.now()
    maxLag = Math.max(maxLag, now - expected)
    expected = now + 1
  }, 1)
  const samples = await timed(runs, () => renderer.renderDiagnostic(input))
  clearInterval(probe)
  console.log(summary('chart_worker', samples))
  console.log(`bench=chart_worker_main_thread max_event_loop_lag_ms=${maxLag.toFixed(1)}`)
} finally {
  await renderer.close()
}
