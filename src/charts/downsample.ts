/**
 * Downsampling for drawing, never for computing: a 30-day series at 5-minute samples has 8,640
 * points, about ten per horizontal pixel of the main panel, and drawing them all costs time and
 * shows nothing more. Largest-triangle-three-buckets (Steinarsson 2013) keeps the visual shape —
 * the first and last samples exactly, and in each bucket the sample that makes the largest
 * triangle with its neighbours, which is how a one-sample spike survives.
 */

/** Enough for ~1 point per pixel of a 1,000-pixel-wide panel. */
export const DEFAULT_MAX_POINTS = 700

export interface Points {
  readonly ts: number[]
  readonly values: number[]
}

/**
 * The samples whose instant and value are both finite, in ascending time order. Non-finite
 * samples (NaN, ±Infinity) are dropped here so that nothing downstream can draw them.
 */
export function finitePoints(ts: readonly number[], values: readonly number[]): Points {
  const n = Math.min(ts.length, values.length)
  const keptTs: number[] = []
  const keptValues: number[] = []
  let sorted = true
  for (let i = 0; i < n; i++) {
    const t = ts[i]!
    const v = values[i]!
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue
    if (keptTs.length > 0 && t < keptTs[keptTs.length - 1]!) sorted = false
    keptTs.push(t)
    keptValues.push(v)
  }
  if (sorted) return { ts: keptTs, values: keptValues }
  const order = keptTs.map((_, i) => i).sort((a, b) => keptTs[a]! - keptTs[b]!)
  return { ts: order.map((i) => keptTs[i]!), values: order.map((i) => keptValues[i]!) }
}

/**
 * Indices (ascending) of the samples LTTB keeps. `ts` must be ascending and every value finite.
 * With `maxPoints` ≥ the number of samples every index is kept; below 3 only the endpoints are.
 */
export function lttbIndices(ts: readonly number[], values: readonly number[], maxPoints: number): number[] {
  const n = Math.min(ts.length, values.length)
  if (n <= maxPoints || n <= 2) return Array.from({ length: n }, (_, i) => i)
  if (maxPoints < 3) return [0, n - 1]

  const kept: number[] = [0]
  // The first and last samples are buckets of their own; the n − 2 in between share the rest.
  const bucketSize = (n - 2) / (maxPoints - 2)
  let previous = 0
  for (let bucket = 0; bucket < maxPoints - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, n - 1)

    // The third vertex of the triangle: the mean of the next bucket (the last sample for the last bucket).
    const nextStart = end
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, n)
    let meanT = 0
    let meanV = 0
    for (let j = nextStart; j < nextEnd; j++) {
      meanT += ts[j]!
      meanV += values[j]!
    }
    const count = nextEnd - nextStart
    meanT /= count
    meanV /= count

    const pt = ts[previous]!
    const pv = values[previous]!
    let best = start
    let bestArea = -1
    for (let j = start; j < end; j++) {
      const area = Math.abs((pt - meanT) * (values[j]! - pv) - (pt - ts[j]!) * (meanV - pv))
      if (area > bestArea) {
        bestArea = area
        best = j
      }
    }
    kept.push(best)
    previous = best
  }
  kept.push(n - 1)
  return kept
}

/** The finite samples of a series, reduced to at most `maxPoints` for drawing. */
export function downsampleForDrawing(ts: readonly number[], values: readonly number[], maxPoints: number = DEFAULT_MAX_POINTS): Points {
  const finite = finitePoints(ts, values)
  if (finite.ts.length <= maxPoints) return finite
  const indices = lttbIndices(finite.ts, finite.values, maxPoints)
  return { ts: indices.map((i) => finite.ts[i]!), values: indices.map((i) => finite.values[i]!) }
}
