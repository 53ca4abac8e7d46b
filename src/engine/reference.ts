/**
 * The reference point t0 of an asset (spec-math §4) and the window the rest of the evaluation
 * reads. One reference per asset, whichever wallet made the tagged withdrawal.
 *
 * - `keyword`: the latest WITHDRAWAL whose notes contain the keyword (case-sensitive substring;
 *   deposits and NULL notes never count) inside the configured data range; t0 is its timestamp and
 *   v_ref the aggregate sample nearest to t0 (either side; a tie goes to the earlier sample).
 *   A tagged withdrawal without any aggregate sample in the configured range does not count
 *   (the predecessor skipped it and fell back).
 * - `data_range`: no tagged withdrawal, fallback `data_range` AND a configured range start: t0 is
 *   that start.
 * - `null`: anything else; the asset HOLDs.
 * - `error`: t0 (the tagged withdrawal, or the range start in data_range mode) is not before `now`,
 *   so [t0, now] is empty (the predecessor's "Start date must be before end date").
 */
import { nearestSampleValue } from './series.ts'
import type { ReferenceSettings } from './settings.ts'
import type { EpochMs, Series, Transaction } from './types.ts'

export type ReferenceResult =
  | { readonly mode: 'keyword'; readonly t0: EpochMs; readonly vRefUsd: number; readonly withdrawal: Transaction }
  | { readonly mode: 'data_range'; readonly t0: EpochMs }
  | { readonly mode: 'null'; readonly reason: string }
  | {
      readonly mode: 'error'
      /** the mode t0 came from (kept on the ERROR decision, as the predecessor did) */
      readonly refMode: 'keyword' | 'data_range'
      readonly t0: EpochMs
      readonly vRefUsd: number | null
      readonly reason: string
    }

/**
 * The latest tagged withdrawal, or null. Transactions are taken in timestamp order (stable, so
 * among equal timestamps the later row in the input wins, like the predecessor's list[-1]).
 */
export function latestTaggedWithdrawal(transactions: readonly Transaction[], keyword: string): Transaction | null {
  if (keyword === '') return null
  let latest: Transaction | null = null
  for (const tx of transactions) {
    if (tx.kind !== 'withdrawal' || tx.notes === null || !tx.notes.includes(keyword)) continue
    if (latest === null || tx.ts >= latest.ts) latest = tx
  }
  return latest
}

export interface ReferenceInput {
  /** the latest tagged withdrawal (see `latestTaggedWithdrawal`), or null */
  readonly tagged: Transaction | null
  /**
   * aggregate samples of the configured data range around t0; any subset that contains the
   * nearest sample on each side of t0 gives the same v_ref (the store need not read the range)
   */
  readonly samplesAroundT0: Series
  readonly settings: ReferenceSettings
  /** `data.date_range.start`, null when not configured */
  readonly dataRangeStart: EpochMs | null
  readonly now: EpochMs
}

export function resolveReference(input: ReferenceInput): ReferenceResult {
  const { tagged, settings, now } = input
  if (tagged !== null) {
    const vRefUsd = nearestSampleValue(input.samplesAroundT0, tagged.ts)
    if (vRefUsd !== null) {
      if (tagged.ts >= now) {
        const relation = tagged.ts > now ? 'is after now' : 'is not before now'
        return {
          mode: 'error',
          refMode: 'keyword',
          t0: tagged.ts,
          vRefUsd,
          reason: `reference withdrawal at ${iso(tagged.ts)} ${relation} (${iso(now)})`,
        }
      }
      return { mode: 'keyword', t0: tagged.ts, vRefUsd, withdrawal: tagged }
    }
  }
  if (settings.fallback === 'data_range' && input.dataRangeStart !== null) {
    const start = input.dataRangeStart
    if (start >= now) {
      const reason = `data range start ${iso(start)} is not before now (${iso(now)})`
      return { mode: 'error', refMode: 'data_range', t0: start, vRefUsd: null, reason }
    }
    return { mode: 'data_range', t0: start }
  }
  return { mode: 'null', reason: noReferenceReason(settings, tagged !== null) }
}

function noReferenceReason(settings: ReferenceSettings, taggedWithoutData: boolean): string {
  const what = taggedWithoutData
    ? `reference withdrawal tagged '${settings.keyword}' has no position data in the data range`
    : `no reference withdrawal tagged '${settings.keyword}'`
  const fallback = settings.fallback === 'data_range' ? 'fallback: data_range, but data.date_range.start is not set' : 'fallback: null'
  return `${what} (${fallback})`
}

/** The instants the evaluation reads for an asset: [t0, now] with a reference, else nothing. */
export function evaluationWindow(reference: ReferenceResult, now: EpochMs): { start: EpochMs; end: EpochMs } | null {
  return reference.mode === 'keyword' || reference.mode === 'data_range' ? { start: reference.t0, end: now } : null
}

export function iso(ms: EpochMs): string {
  return new Date(ms).toISOString()
}
