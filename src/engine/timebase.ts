/**
 * The corrected gain (spec-math §2.5): positions and transactions on one timebase.
 *
 *   G(t) = [V(t) − V(t_r)] − [D(t) − D(t_r)] + [W(t) − W(t_r)]
 *
 * where the timebase is the set union of position and transaction instants (ascending), V the
 * positions linearly interpolated on it (numpy.interp, clamped at both ends), D and W the running
 * sums of deposits and |withdrawals| placed by the alignment method, and t_r the reference index
 * (0 in the service: the start of the window).
 *
 * Deliberate deviation from the predecessor (PRODUCT §3): transactions of the same kind that land
 * on the same timebase index ADD UP; the predecessor kept only the last one.
 *
 * Floating-point order is the predecessor's (interp in float seconds, sequential cumulative sums,
 * `((P − P_r) − (D − D_r)) + (W − W_r)`), which makes every golden A-case bit-exact.
 */
import { bisectLeft } from 'd3-array'
import { createAligner } from './alignment.ts'
import { cumsum, interpAll } from './numeric.ts'
import { normalizeSeries } from './series.ts'
import type { AlignmentMethod } from './settings.ts'
import type { EpochMs, Series, TransactionKind } from './types.ts'

/** What the gain needs to know about a transaction (amounts already in the positions' unit, USD). */
export interface GainTransaction {
  readonly ts: EpochMs
  readonly createdAt: EpochMs
  readonly kind: TransactionKind
  /** signed like the stored rows: deposits > 0, withdrawals < 0 */
  readonly amountUsd: number
}

export type TxTimestampSource = 'timestamp' | 'created_at'

export interface CorrectedGainsOptions {
  readonly alignment: AlignmentMethod
  /** which instant of a transaction places it on the timebase (default `timestamp`) */
  readonly txTimestampSource?: TxTimestampSource
  /** index of the reference point on the timebase (default 0; negative counts from the end) */
  readonly referenceIndex?: number
}

export interface CorrectedGains {
  readonly timebase: EpochMs[]
  /** true where the timebase point is one of the position samples */
  readonly isPositionSample: boolean[]
  /** positions interpolated on the timebase (the raw position, not corrected) */
  readonly positions: number[]
  readonly depositCdf: number[]
  readonly withdrawalCdf: number[]
  readonly gains: number[]
  /** timebase index each transaction was placed at, in input order */
  readonly placements: number[]
}

/** The instant that places a transaction on the timebase. */
export function transactionInstant(tx: GainTransaction, source: TxTimestampSource = 'timestamp'): EpochMs {
  return source === 'created_at' ? tx.createdAt : tx.ts
}

/** Set union of both lists of instants, ascending. */
export function unifiedTimebase(positionTs: readonly EpochMs[], transactionTs: readonly EpochMs[]): EpochMs[] {
  return [...new Set([...positionTs, ...transactionTs])].sort((a, b) => a - b)
}

/**
 * `unifiedTimebase` for positions already ascending and unique (what `normalizeSeries` yields), with
 * the position-sample flags: a merge, linear in the samples, where the set union sorts them all
 * again — the gain is computed at every instant of a replay, so this is most of its cost.
 */
function mergedTimebase(positionTs: readonly EpochMs[], transactionTs: readonly EpochMs[]): { timebase: EpochMs[]; isPositionSample: boolean[] } {
  const extra = [...new Set(transactionTs)].sort((a, b) => a - b)
  const timebase: EpochMs[] = []
  const isPositionSample: boolean[] = []
  let j = 0
  for (const t of positionTs) {
    while (j < extra.length && (extra[j] as number) < t) {
      timebase.push(extra[j++] as number)
      isPositionSample.push(false)
    }
    if (j < extra.length && extra[j] === t) j++
    timebase.push(t)
    isPositionSample.push(true)
  }
  for (; j < extra.length; j++) {
    timebase.push(extra[j] as number)
    isPositionSample.push(false)
  }
  return { timebase, isPositionSample }
}

/**
 * Corrected gains of one position series (the aggregate of an asset or one wallet) and its
 * transactions. Positions are sorted and de-duplicated first (the last value of a repeated
 * timestamp wins). Throws a RangeError without positions or with a reference index out of range:
 * callers decide what an empty series means before asking for a gain.
 */
export function correctedGains(positionSeries: Series, transactions: readonly GainTransaction[], options: CorrectedGainsOptions): CorrectedGains {
  const series = normalizeSeries(positionSeries)
  if (series.ts.length === 0) throw new RangeError('correctedGains: no position samples')
  const source = options.txTimestampSource ?? 'timestamp'
  const instants = transactions.map((tx) => transactionInstant(tx, source))

  const { timebase, isPositionSample } = mergedTimebase(series.ts, instants)
  const n = timebase.length
  // float seconds, like the predecessor's datetime.timestamp(): ms / 1000 is the same double
  const positions = interpAll(
    timebase.map((t) => t / 1000),
    series.ts.map((t) => t / 1000),
    series.values,
  )

  // every instant is on the timebase: the first index not before it is its own
  const indexOf = (instant: EpochMs) => bisectLeft(timebase, instant)
  const align = createAligner(options.alignment, { timebase, isPositionSample, positions })
  const deposits = new Array<number>(n).fill(0)
  const withdrawals = new Array<number>(n).fill(0)
  const placements = transactions.map((tx, k) => {
    const instant = instants[k] as EpochMs
    const index = align(indexOf(instant), { instant, kind: tx.kind, amountUsd: tx.amountUsd })
    // same-slot transactions add up (PRODUCT §3), in list order
    if (tx.kind === 'deposit') deposits[index] = (deposits[index] as number) + tx.amountUsd
    else withdrawals[index] = (withdrawals[index] as number) + Math.abs(tx.amountUsd)
    return index
  })

  const depositCdf = cumsum(deposits)
  const withdrawalCdf = cumsum(withdrawals)
  const r = resolveReferenceIndex(options.referenceIndex ?? 0, n)
  const pRef = positions[r] as number
  const dRef = depositCdf[r] as number
  const wRef = withdrawalCdf[r] as number
  const gains = positions.map((p, i) => p - pRef - ((depositCdf[i] as number) - dRef) + ((withdrawalCdf[i] as number) - wRef))
  return { timebase, isPositionSample, positions, depositCdf, withdrawalCdf, gains, placements }
}

function resolveReferenceIndex(index: number, n: number): number {
  const resolved = index < 0 ? n + index : index
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= n) {
    throw new RangeError(`Reference time index ${index} out of bounds`)
  }
  return resolved
}

/** G at the last timebase point (what decisions use); 0 for an empty result. */
export function finalGain(result: CorrectedGains): number {
  return result.gains.at(-1) ?? 0
}
