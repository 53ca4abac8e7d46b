/**
 * Mapping data to pixels: linear scales, padded domains, "nice" numeric ticks (d3-array) and UTC
 * time ticks whose spacing follows the plotted span (hours for a day, days for a month, months
 * for a year), so labels never collide whatever the lookback.
 */

import { extent, tickStep, ticks } from 'd3-array'
import { formatDay, formatHourMinute, formatMonth } from './format.ts'

export type Domain = readonly [number, number]
export type Scale = (value: number) => number

export function linearScale(domain: Domain, range: readonly [number, number]): Scale {
  const [d0, d1] = domain
  const [r0, r1] = range
  const span = d1 - d0
  if (span === 0) return () => (r0 + r1) / 2
  const factor = (r1 - r0) / span
  return (value) => r0 + (value - d0) * factor
}

/**
 * The extent of every finite value in `groups`, padded by `padFraction` of the span on each side.
 * A flat extent is widened so a constant series sits mid-panel instead of on the frame; no
 * finite value at all gives `fallback`.
 */
export function paddedDomain(groups: readonly (readonly number[])[], padFraction: number, fallback: Domain = [0, 1]): Domain {
  let lo = Infinity
  let hi = -Infinity
  for (const group of groups) {
    const [min, max] = extent(group, (v) => (Number.isFinite(v) ? v : undefined))
    if (min !== undefined && min < lo) lo = min
    if (max !== undefined && max > hi) hi = max
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return fallback
  if (hi === lo) {
    const half = Math.abs(lo) * 0.01 || 1
    return [lo - half, hi + half]
  }
  const pad = (hi - lo) * padFraction
  return [lo - pad, hi + pad]
}

export interface Ticks {
  readonly values: readonly number[]
  readonly step: number
}

/** About `count` round values inside the domain (d3's 1-2-5 steps). */
export function numericTicks(domain: Domain, count: number): Ticks {
  const [lo, hi] = domain
  const step = Math.abs(tickStep(lo, hi, Math.max(2, count)))
  return { values: ticks(lo, hi, Math.max(2, count)), step }
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** 1970-01-05, the first Monday after the epoch, anchors weekly ticks on Mondays. */
const FIRST_MONDAY = 4 * DAY

interface TimeStep {
  readonly approxMs: number
  /** calendar months per step; 0 for fixed-length steps */
  readonly months: number
  readonly anchor: number
  readonly label: (ms: number) => string
}

const hourLabel = (ms: number): string => (ms % DAY === 0 ? formatDay(ms) : formatHourMinute(ms))
const monthLabel = (ms: number): string => formatMonth(ms)

const TIME_STEPS: readonly TimeStep[] = [
  ...[1, 2, 3, 6, 12].map((h) => ({ approxMs: h * HOUR, months: 0, anchor: 0, label: hourLabel })),
  ...[1, 2, 3].map((d) => ({ approxMs: d * DAY, months: 0, anchor: 0, label: formatDay })),
  ...[7, 14].map((d) => ({ approxMs: d * DAY, months: 0, anchor: FIRST_MONDAY, label: formatDay })),
  ...[1, 2, 3, 6, 12].map((m) => ({ approxMs: m * 30 * DAY, months: m, anchor: 0, label: monthLabel })),
]

export interface TimeTicks {
  readonly values: readonly number[]
  readonly label: (ms: number) => string
}

/** UTC ticks on round instants (midnights, Mondays, first days of months), at most `maxTicks`. */
export function timeTicks(domain: Domain, maxTicks: number): TimeTicks {
  const [t0, t1] = domain
  const span = t1 - t0
  const limit = Math.max(2, maxTicks)
  const step = TIME_STEPS.find((s) => span / s.approxMs <= limit) ?? TIME_STEPS[TIME_STEPS.length - 1]!
  const values = step.months > 0 ? monthTicks(t0, t1, step.months) : fixedTicks(t0, t1, step.approxMs, step.anchor)
  return { values, label: step.label }
}

function fixedTicks(t0: number, t1: number, stepMs: number, anchor: number): number[] {
  const values: number[] = []
  for (let t = anchor + Math.ceil((t0 - anchor) / stepMs) * stepMs; t <= t1; t += stepMs) values.push(t)
  return values
}

function monthTicks(t0: number, t1: number, everyMonths: number): number[] {
  const start = new Date(t0)
  // Months counted from year 0, so a step divides the index exactly on round months (Jan/Apr/Jul/Oct).
  let index = start.getUTCFullYear() * 12 + start.getUTCMonth()
  if (monthStart(index) < t0) index += 1
  index = Math.ceil(index / everyMonths) * everyMonths
  const values: number[] = []
  for (let t = monthStart(index); t <= t1; index += everyMonths, t = monthStart(index)) values.push(t)
  return values
}

function monthStart(monthIndex: number): number {
  return Date.UTC(Math.floor(monthIndex / 12), monthIndex % 12, 1)
}
