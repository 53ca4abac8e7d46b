/**
 * The replay timeline: what the rule said at each replayed instant (a band coloured by decision)
 * over what it would have let the supplier take (the withdrawable amount, filled) and the gain it
 * measured since t0 (a line). The band and the panel share the time axis, so a HOLD stretch lines
 * up with the gain that caused it.
 */

import { formatValue } from './format.ts'
import { paddedDomain } from './scale.ts'
import {
  bottomMargin,
  createScene,
  drawHeader,
  drawPanel,
  headerHeight,
  leftMargin,
  noDataScene,
  OUTER_PADDING,
  resolveSize,
  type Scene,
  yTickLabels,
} from './scene.ts'
import { area, line, polyline, rects } from './svg.ts'
import { legendRow, textAt } from './text.ts'
import { COLORS, TYPE } from './theme.ts'
import type { TimelineChartInput } from './types.ts'

const BAND_HEIGHT = 22
const BAND_GAP = 8
const Y_PADDING = 0.08

/** Decision → band colour: the palette's "not triggered" green, threshold amber, triggered red. */
function decisionColor(decision: -1 | 0 | 1): string {
  return decision === 1 ? COLORS.notTriggered : decision === 0 ? COLORS.threshold : COLORS.triggered
}

/** Runs of equal decisions as [start index, end index] (inclusive), so the band is a few rectangles. */
export function decisionRuns(decisions: readonly (-1 | 0 | 1)[]): { decision: -1 | 0 | 1; from: number; to: number }[] {
  const runs: { decision: -1 | 0 | 1; from: number; to: number }[] = []
  decisions.forEach((decision, index) => {
    const last = runs.at(-1)
    if (last && last.decision === decision) last.to = index
    else runs.push({ decision, from: index, to: index })
  })
  return runs
}

/** The gain as polylines broken where it is null (an instant without a gain draws no line through it). */
function gainPieces(ts: readonly number[], gain: readonly (number | null)[]): { ts: number[]; values: number[] }[] {
  const pieces: { ts: number[]; values: number[] }[] = []
  let current: { ts: number[]; values: number[] } | null = null
  gain.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      current = null
      return
    }
    if (current === null) {
      current = { ts: [], values: [] }
      pieces.push(current)
    }
    current.ts.push(ts[index]!)
    current.values.push(value)
  })
  return pieces
}

export function timelineScene(input: TimelineChartInput): Scene {
  const size = resolveSize(input.size)
  const n = Math.min(input.ts.length, input.decisions.length, input.withdrawableUsd.length, input.gainUsd.length)
  if (n === 0) return noDataScene(size, input.title, input.subtitle, 'no replayed instant')
  const ts = input.ts.slice(0, n)
  // One instant's slot reaches half a step either side, so a single instant still shows.
  const step = n > 1 ? (ts[n - 1]! - ts[0]!) / (n - 1) : 3_600_000
  const xDomain = [ts[0]! - step / 2, ts[n - 1]! + step / 2] as const

  const scene = createScene(size)
  drawHeader(scene, input.title, input.subtitle)
  const header = headerHeight(input.subtitle !== undefined)
  const key = legendRow(
    [
      { label: 'Withdraw OK', swatch: { kind: 'bar', color: decisionColor(1) } },
      { label: 'Hold', swatch: { kind: 'bar', color: decisionColor(0) } },
      { label: 'Error', swatch: { kind: 'bar', color: decisionColor(-1) } },
      { label: 'Withdrawable (USD)', swatch: { kind: 'band', color: COLORS.deposit, opacity: 0.35 } },
      { label: 'Gain since t0 (USD)', swatch: { kind: 'line', color: COLORS.series } },
    ],
    OUTER_PADDING,
    header,
    size.width - 2 * OUTER_PADDING,
  )
  scene.texts.push(key.element)

  const withdrawable = input.withdrawableUsd.slice(0, n)
  const gain = input.gainUsd.slice(0, n)
  const yDomain = paddedDomain([withdrawable, gain.filter((g): g is number => g !== null && Number.isFinite(g)), [0]], Y_PADDING)
  const bandTop = header + key.height + 10
  const panelTop = bandTop + BAND_HEIGHT + BAND_GAP
  const panelHeight = size.height - OUTER_PADDING - panelTop - bottomMargin(true, true)
  const yTicks = yTickLabels(yDomain, panelHeight)
  const left = OUTER_PADDING + leftMargin(yTicks, true)
  const width = size.width - OUTER_PADDING - left
  const panel = drawPanel(
    scene,
    { x: left, y: panelTop, width, height: panelHeight },
    { xDomain, yDomain, xKind: 'time', xTickLabels: true, xLabel: 'Replayed instant (UTC)', yLabel: 'USD', yTicks },
  )
  const { x, y } = panel

  for (const decision of [1, 0, -1] as const) {
    const runs = decisionRuns(input.decisions.slice(0, n)).filter((run) => run.decision === decision)
    const boxes = runs.map((run) => {
      const start = x(ts[run.from]! - step / 2)
      return { x: start, y: bandTop, width: x(ts[run.to]! + step / 2) - start, height: BAND_HEIGHT }
    })
    scene.shapes.push(rects(boxes, decisionColor(decision), 1))
  }
  scene.texts.push(textAt('Decision', left - 6, bandTop + BAND_HEIGHT / 2, 'end', 'middle', { size: TYPE.tick, color: COLORS.mutedText }))

  const xs = ts.map(x)
  scene.shapes.push(
    area(
      xs,
      withdrawable.map(y),
      withdrawable.map(() => y(0)),
      COLORS.deposit,
      0.35,
    ),
  )
  scene.shapes.push(polyline(xs, withdrawable.map(y), { color: COLORS.deposit, width: 1.4 }))
  scene.shapes.push(line(left, y(0), left + width, y(0), { color: COLORS.zero, width: 1 }))
  for (const piece of gainPieces(ts, gain)) scene.shapes.push(polyline(piece.ts.map(x), piece.values.map(y), { color: COLORS.series, width: 1.8 }))

  const lastGain = gain[n - 1]
  if (lastGain !== null && lastGain !== undefined && Number.isFinite(lastGain))
    scene.texts.push(
      textAt(formatValue(lastGain, 'USD'), x(ts[n - 1]!) - 4, y(lastGain) - 4, 'end', 'bottom', { size: TYPE.annotation, color: COLORS.series }),
    )
  return scene
}
