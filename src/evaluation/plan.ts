/**
 * Which ranges an asset's evaluation reads, decided from what is already known — pure, no I/O
 * (gather.ts runs the plan). Per asset, two rounds of reads:
 *   1. the transactions of the configured data range (they hold the reference withdrawal);
 *   2. with t0 known: the aggregate series of [t0 − 1 day, now] (v_ref is the sample nearest t0,
 *      and the window's samples), each wallet's first two and last samples in [t0, now] (all the
 *      final gain needs, see engine/wmax.ts), the Minswap series of the window and the prices.
 */
import type { ReferenceResult } from '../engine/reference.ts'
import type { ReferenceSettings } from '../engine/settings.ts'
import type { EpochMs, Series, Transaction } from '../engine/types.ts'
import type { TimeRange } from '../store/types.ts'

/** How far before t0 the aggregate is read to find the sample nearest t0 (samples are minutes apart). */
export const V_REF_MARGIN_MS = 24 * 3_600_000
/** Without a reference the charts still show the recent raw positions. */
export const NO_REFERENCE_CHART_MS = 7 * 24 * 3_600_000

/**
 * The aggregate read of round 1: from a day before the tagged withdrawal (or the range start) to
 * now — v_ref and the window in one read; without a reference, the last week of the range.
 */
export function aggregateRange(tagged: Transaction | null, reference: ReferenceSettings, configured: TimeRange, now: EpochMs): TimeRange {
  if (tagged !== null) return { start: Math.max(configured.start ?? -Infinity, tagged.ts - V_REF_MARGIN_MS), end: now }
  if (reference.fallback === 'data_range' && configured.start !== null) return { start: configured.start, end: now }
  return { start: Math.max(configured.start ?? -Infinity, now - NO_REFERENCE_CHART_MS), end: Math.min(configured.end ?? now, now) }
}

/** The samples of `series` inside the configured range. */
export function withinRange(series: Series, range: TimeRange): Series {
  const keep = series.ts.map((ts) => (range.start === null || ts >= range.start) && (range.end === null || ts <= range.end))
  return { ts: series.ts.filter((_, i) => keep[i]), values: series.values.filter((_, i) => keep[i]) }
}

/**
 * The read starts a day before t0; when it holds no sample before t0 and none within a day after,
 * the nearest sample may lie further back: the range up to t0 must be read to stay exact.
 */
export function needsEarlierSample(near: Series, t0: EpochMs): boolean {
  const hasBefore = near.ts.some((ts) => ts <= t0)
  const firstAfter = near.ts.find((ts) => ts >= t0)
  return !(hasBefore || (firstAfter !== undefined && firstAfter - t0 <= V_REF_MARGIN_MS))
}

/**
 * A tagged withdrawal without data falls back to the range start: the aggregate is read again
 * from there. Null when the round-1 read already covers the window.
 */
export function aggregateReread(reference: ReferenceResult, firstRead: TimeRange, now: EpochMs): TimeRange | null {
  return reference.mode === 'data_range' && firstRead.start !== reference.t0 ? { start: reference.t0, end: now } : null
}

/** The round-1 transactions cover the window unless the configured range ends before now. */
export function transactionsCoverWindow(configured: TimeRange, now: EpochMs): boolean {
  return configured.end === null || configured.end >= now
}
