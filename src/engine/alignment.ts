/**
 * Where a transaction lands on the unified timebase (spec-math §2.3–2.4).
 *
 * A transaction's own instant is always a timebase point (the timebase is the union of position
 * and transaction instants); the alignment method may move it to another point so that the
 * cumulative deposit/withdrawal step lines up with the step the position series shows:
 *
 * - `none`                keep the transaction's own instant;
 * - `right_open`          the next timebase point (even when the instant is a position sample);
 * - `snap_to_next_pos`    the first position sample at or after the instant (else the last sample);
 * - `snap_to_prev_pos`    the last position sample at or before the instant (else the first sample);
 * - `snap_to_nearest_pos` the nearest position sample in time, ties (numpy isclose) to the later one;
 * - `detect_spike`        the right edge of the position step (ΔP outlier of the right sign, and
 *                         if possible of a matching size) within ±8 points, else the first
 *                         non-flat step of the right sign within 24 points ahead; never moves a
 *                         transaction away from index 0.
 */
import { median, std } from './numeric.ts'
import type { AlignmentMethod } from './settings.ts'
import type { EpochMs, TransactionKind } from './types.ts'

/** Fixed detect_spike parameters of the predecessor (the service never changes them). */
const SPIKE_WINDOW_POINTS = 8
const SPIKE_MIN_ABS_Z = 3
/** |ΔP| / |amount| must fall in this band on the first scan (positions and amounts may differ a bit). */
const SPIKE_MAGNITUDE_BAND: readonly [number, number] = [0.3, 1.5]
/** The forward fallback looks this many points ahead: max(8, 3 × window). */
const SPIKE_FORWARD_POINTS = Math.max(8, 3 * SPIKE_WINDOW_POINTS)
/** A ΔP smaller than this counts as flat in the forward fallback. */
const FLAT_STEP = 1e-9
/** Robust scale of a normal distribution from its median absolute deviation. */
const MAD_TO_SIGMA = 1.4826
/** numpy.isclose defaults, used by the predecessor for the nearest-sample tie-break (seconds). */
const ISCLOSE_ABS = 1e-8
const ISCLOSE_REL = 1e-5

export interface AlignmentContext {
  readonly timebase: readonly EpochMs[]
  readonly isPositionSample: readonly boolean[]
  /** positions interpolated on the timebase (detect_spike reads their steps) */
  readonly positions: readonly number[]
}

export interface AlignedTransaction {
  /** the instant that placed the transaction on the timebase */
  readonly instant: EpochMs
  readonly kind: TransactionKind
  readonly amountUsd: number
}

/** Returns a function mapping (index of the transaction's own instant, transaction) → final index. */
export function createAligner(method: AlignmentMethod, context: AlignmentContext): (baseIndex: number, tx: AlignedTransaction) => number {
  const n = context.timebase.length
  const positionIndices: number[] = []
  context.isPositionSample.forEach((isSample, i) => {
    if (isSample) positionIndices.push(i)
  })
  switch (method) {
    case 'right_open':
      return (base) => Math.min(base + 1, n - 1)
    case 'snap_to_next_pos':
      return snapToNext(context.isPositionSample, positionIndices)
    case 'snap_to_prev_pos':
      return snapToPrev(context.isPositionSample, positionIndices)
    case 'snap_to_nearest_pos':
      return (base, tx) => snapToNearest(context.timebase, positionIndices, base, tx.instant)
    case 'detect_spike': {
      const steps = differences(context.positions)
      return (base, tx) => detectSpike(steps, n, base, tx)
    }
    case 'none':
      return (base) => base
  }
}

function snapToNext(isSample: readonly boolean[], positionIndices: readonly number[]) {
  const n = isSample.length
  const nextSample = new Int32Array(n + 1).fill(-1)
  for (let i = n - 1; i >= 0; i--) nextSample[i] = isSample[i] ? i : nextSample[i + 1]!
  const fallback = positionIndices.at(-1)
  return (base: number): number => {
    const found = nextSample[base]!
    if (found >= 0) return found
    return fallback ?? base
  }
}

function snapToPrev(isSample: readonly boolean[], positionIndices: readonly number[]) {
  const n = isSample.length
  const prevSample = new Int32Array(n).fill(-1)
  for (let i = 0; i < n; i++) prevSample[i] = isSample[i] ? i : i > 0 ? prevSample[i - 1]! : -1
  const fallback = positionIndices[0]
  return (base: number): number => {
    const found = prevSample[base]!
    if (found >= 0) return found
    return fallback ?? base
  }
}

/**
 * The position sample nearest in time; every sample whose distance is numpy-isclose to the
 * minimum is a candidate and the latest candidate wins. Distances grow monotonically away from
 * the instant, so only the samples around it need to be looked at.
 */
function snapToNearest(timebase: readonly EpochMs[], positionIndices: readonly number[], base: number, instant: EpochMs): number {
  if (positionIndices.length === 0) return base
  const distance = (k: number) => Math.abs((timebase[positionIndices[k]!]! - instant) / 1000)
  // first position (in positionIndices) at or after the instant
  let lo = 0
  let hi = positionIndices.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (timebase[positionIndices[mid]!]! < instant) lo = mid + 1
    else hi = mid
  }
  const after = lo
  const before = lo - 1
  const minDistance = Math.min(
    before >= 0 ? distance(before) : Number.POSITIVE_INFINITY,
    after < positionIndices.length ? distance(after) : Number.POSITIVE_INFINITY,
  )
  const tolerance = ISCLOSE_ABS + ISCLOSE_REL * minDistance
  let best = -1
  for (let k = after; k < positionIndices.length && Math.abs(distance(k) - minDistance) <= tolerance; k++) best = k
  if (best < 0) best = before
  return positionIndices[best]!
}

function differences(values: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < values.length; i++) out.push((values[i + 1] as number) - (values[i] as number))
  return out
}

function detectSpike(steps: readonly number[], n: number, base: number, tx: AlignedTransaction): number {
  if (!(base > 0 && base < n)) return base
  const start = Math.max(1, base - SPIKE_WINDOW_POINTS)
  const end = Math.min(n - 1, base + SPIKE_WINDOW_POINTS)
  const local = steps.slice(start, end + 1)
  if (local.length === 0) return base

  const centre = median(local)
  const mad = median(local.map((v) => Math.abs(v - centre)))
  const spread = std(local)
  const scale = mad > 0 ? MAD_TO_SIGMA * mad : spread > 0 ? spread : 1
  const z = local.map((v) => (v - centre) / scale)
  const sign = tx.kind === 'withdrawal' ? -1 : 1
  const magnitude = Math.abs(tx.amountUsd)

  const scan = (checkMagnitude: boolean): number | null => {
    let best: number | null = null
    let bestDistance = Number.POSITIVE_INFINITY
    let bestAbsZ = Number.NEGATIVE_INFINITY
    for (let j = 0; j < local.length; j++) {
      const step = local[j] as number
      const absZ = Math.abs(z[j] as number)
      // the predecessor's exact test: a NaN step is NOT skipped here (NaN comparisons are false)
      if (sign * step <= 0 || absZ < SPIKE_MIN_ABS_Z) continue
      if (checkMagnitude && magnitude > 0) {
        const ratio = Math.abs(step) / magnitude
        if (!(ratio >= SPIKE_MAGNITUDE_BAND[0] && ratio <= SPIKE_MAGNITUDE_BAND[1])) continue
      }
      // nearest step first, then the larger |z|; ties keep the earliest step
      const dist = Math.abs(start + j - base)
      if (dist < bestDistance || (dist === bestDistance && -absZ < -bestAbsZ)) {
        best = start + j
        bestDistance = dist
        bestAbsZ = absZ
      }
    }
    return best
  }

  const found = scan(true) ?? scan(false)
  if (found !== null) return Math.min(found + 1, n - 1)

  const forwardEnd = Math.min(n - 2, base + SPIKE_FORWARD_POINTS)
  if (forwardEnd > base) {
    for (let k = base; k <= forwardEnd; k++) {
      const step = steps[k] as number
      if (Math.abs(step) > FLAT_STEP && sign * step > 0) return Math.min(k + 1, n - 1)
    }
  }
  return base
}
