/**
 * Numeric primitives with numpy 1.24 semantics, so the engine reproduces the predecessor's numbers
 * (golden/cases.json) bit for bit where the spec asks for it (interpolation, cumulative sums) and to
 * ~1e-13 where it asks for 1e-9 (least squares, mean, standard deviation).
 *
 * Owns: `interp`, `cumsum`, `pairwiseSum`, `mean`, `std` (population), `median`, `madSigma`, `quantile`
 * (numpy "linear" with numpy's `_lerp` form), `polyfit` / `polyval`, `convolveSame`,
 * `roundHalfEven`. Everything is pure and works on plain arrays.
 *
 * Why not d3-array for the statistics: `d3.quantile` interpolates as `a + (b - a) * g` for every g
 * while numpy switches to `b - (b - a) * (1 - g)` when g ≥ 0.5, `d3.median` computes
 * `a + (b - a) / 2` where numpy computes `(a + b) / 2`, and `d3.deviation` is the sample (ddof 1)
 * standard deviation. All three differ from numpy in the last bits (or more), so they are written
 * here; d3-array only supplies the binary search, which has no rounding.
 */
import { bisectRight } from 'd3-array'

/**
 * numpy.interp(x, xp, fp) for one x. `xp` must be ascending (numpy's precondition).
 *
 * Clamps outside [xp[0], xp[last]], returns fp[j] exactly on a sample, and otherwise evaluates
 * `slope * (x - xp[j]) + fp[j]`, retrying from the right end when that is NaN, exactly as numpy's
 * C loop does (a NaN sample poisons only the two intervals that touch it).
 */
export function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length
  if (n === 0) throw new RangeError('interp: array of sample points is empty')
  if (n !== fp.length) throw new RangeError('interp: xp and fp must have the same length')
  if (Number.isNaN(x)) return x
  const first = fp[0] as number
  const last = fp[n - 1] as number
  if (n === 1) return x < (xp[0] as number) ? first : x > (xp[0] as number) ? last : first
  // j = largest index with xp[j] <= x, i.e. numpy's binary_search_with_guess (last duplicate wins).
  const j = bisectRight(xp as ArrayLike<number> as number[], x) - 1
  if (j < 0) return first
  if (j >= n - 1) return x > (xp[n - 1] as number) ? last : (fp[n - 1] as number)
  const xj = xp[j] as number
  const yj = fp[j] as number
  if (xj === x) return yj
  const xNext = xp[j + 1] as number
  const yNext = fp[j + 1] as number
  const slope = (yNext - yj) / (xNext - xj)
  let y = slope * (x - xj) + yj
  if (Number.isNaN(y)) {
    y = slope * (x - xNext) + yNext
    if (Number.isNaN(y) && yj === yNext) y = yj
  }
  return y
}

/** numpy.interp over many x values. */
export function interpAll(xs: ArrayLike<number>, xp: ArrayLike<number>, fp: ArrayLike<number>): number[] {
  const out = new Array<number>(xs.length)
  for (let i = 0; i < xs.length; i++) out[i] = interp(xs[i] as number, xp, fp)
  return out
}

/** numpy.cumsum: a sequential running sum (bit-exact with numpy). */
export function cumsum(values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length)
  let acc = 0
  for (let i = 0; i < values.length; i++) {
    acc += values[i] as number
    out[i] = acc
  }
  return out
}

/** numpy's block size for pairwise summation (PW_BLOCKSIZE in loops_utils.h). */
const PAIRWISE_BLOCK = 128

/**
 * numpy's pairwise summation (`np.sum` / `np.add.reduce` on a contiguous float64 array):
 * sequential below 8 values, eight interleaved accumulators up to 128, recursive halves above.
 * Reproducing it makes `mean` and `std` agree with numpy to the last bit, not just to 1e-15.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, count = values.length - start): number {
  if (count < 8) {
    let res = 0
    for (let i = 0; i < count; i++) res += values[start + i] as number
    return res
  }
  if (count <= PAIRWISE_BLOCK) {
    const r = new Float64Array(8)
    for (let k = 0; k < 8; k++) r[k] = values[start + k] as number
    let i = 8
    for (; i < count - (count % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k] = (r[k] as number) + (values[start + i + k] as number)
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!))
    for (; i < count; i++) res += values[start + i] as number
    return res
  }
  let half = Math.floor(count / 2)
  half -= half % 8
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half)
}

/** numpy.mean (NaN for an empty input, as numpy returns with a warning). */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN
  return pairwiseSum(values) / values.length
}

/** numpy.std with ddof = 0 (population standard deviation), computed in numpy's order. */
export function std(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) return Number.NaN
  const mu = pairwiseSum(values) / n
  const squares = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mu
    squares[i] = d * d
  }
  return Math.sqrt(pairwiseSum(squares) / n)
}

function sortedCopy(values: ArrayLike<number>): number[] {
  return Array.from(values).sort((a, b) => a - b)
}

function hasNaN(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i] as number)) return true
  return false
}

/** numpy.median: the middle value, or `(a + b) / 2` of the two middle values. NaN in → NaN out. */
export function median(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0 || hasNaN(values)) return Number.NaN
  const sorted = sortedCopy(values)
  const mid = n >> 1
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Scales a median absolute deviation to σ for normal data (1 / Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.4826

/**
 * A robust σ: 1.4826 × median(|v − median(v)|). A few outliers move it little where they would
 * widen a standard deviation (a single 10σ point among 100 raises the std by ~40 %).
 */
export function madSigma(values: ArrayLike<number>): number {
  const centre = median(values)
  const deviations = Array.from(values, (v) => Math.abs(v - centre))
  return MAD_TO_SIGMA * median(deviations)
}

/**
 * numpy.quantile(values, q) with the default "linear" method (Hyndman–Fan 7).
 * The interpolation uses numpy's `_lerp`: `lo + (hi - lo) * g` when g < 0.5, else
 * `hi - (hi - lo) * (1 - g)`; the second form is what makes results bit-identical.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length
  if (n === 0 || hasNaN(values) || Number.isNaN(q)) return Number.NaN
  return quantileSorted(sortedCopy(values), q)
}

/** `quantile` over values already sorted ascending (no NaN). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  const virtualIndex = (n - 1) * q
  if (virtualIndex >= n - 1) return sorted[n - 1] as number
  if (virtualIndex < 0) return sorted[0] as number
  const below = Math.floor(virtualIndex)
  const gamma = virtualIndex - below
  const lo = sorted[below] as number
  const hi = sorted[below + 1] as number
  const diff = hi - lo
  return gamma >= 0.5 ? hi - diff * (1 - gamma) : lo + diff * gamma
}

/**
 * Least-squares polynomial fit, coefficients highest power first (numpy.polyfit).
 *
 * numpy scales each Vandermonde column to unit norm and solves by SVD (LAPACK gelsd). Here the same
 * column-scaled matrix is solved by Householder QR, which for a full-rank problem gives the same
 * solution to ~1e-13 relative (max 8.4e-12 seen on the golden numeric_trace, on the tiny quadratic
 * coefficient 0.001 of B05; the residuals agree to ~1e-12). Why not ml-regression's PolynomialRegression
 * (the design card's choice; not a dependency): it solves the normal equations (FᵀF)c = Fᵀy on the unscaled Vandermonde matrix, which squares the condition
 * number (7e-12 on the traces already, worse for longer windows or higher orders); ml-matrix's QR is
 * only a transitive dependency, and the solver is thirty lines.
 *
 * A column whose pivot falls below numpy's `rcond = n·ε` (relative to the largest pivot) is treated
 * as rank-deficient and its coefficient set to 0; with distinct x values and n ≥ deg + 1 (what the
 * gate and the trend guarantee) that never happens. NaN in y yields NaN coefficients, as in numpy.
 */
export function polyfit(x: ArrayLike<number>, y: ArrayLike<number>, degree: number): number[] {
  const rows = x.length
  const cols = degree + 1
  if (!Number.isInteger(degree) || degree < 0) throw new RangeError(`polyfit: invalid degree ${degree}`)
  if (rows !== y.length) throw new RangeError('polyfit: x and y must have the same length')
  if (rows < 1) throw new RangeError('polyfit: no points')

  // Vandermonde matrix (column j holds x^(degree - j)), column-major, then unit-norm columns.
  const a: Float64Array[] = Array.from({ length: cols }, () => new Float64Array(rows))
  for (let i = 0; i < rows; i++) {
    let power = 1
    for (let j = degree; j >= 0; j--) {
      a[j]![i] = power
      power *= x[i] as number
    }
  }
  const scale = a.map((column) => {
    let sumSquares = 0
    for (let i = 0; i < rows; i++) sumSquares += column[i]! * column[i]!
    const norm = Math.sqrt(sumSquares)
    return norm === 0 ? 1 : norm
  })
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) a[j]![i]! /= scale[j]!

  const rhs = Float64Array.from(y as ArrayLike<number>)
  const diagonal = householderQrInPlace(a, rhs)
  const solution = backSubstitute(a, rhs, diagonal, rows)
  return solution.map((value, j) => value / scale[j]!)
}

/** Householder QR of the column-major `a` (rows ≥ 1), applying Qᵀ to `rhs`; returns R's diagonal. */
function householderQrInPlace(a: Float64Array[], rhs: Float64Array): Float64Array {
  const rows = rhs.length
  const cols = a.length
  const diagonal = new Float64Array(cols)
  for (let k = 0; k < Math.min(cols, rows); k++) {
    const column = a[k]!
    // Columns are unit-norm after scaling, so a plain sum of squares cannot overflow.
    let sumSquares = 0
    for (let i = k; i < rows; i++) sumSquares += column[i]! * column[i]!
    let norm = Math.sqrt(sumSquares)
    if (norm === 0) continue
    if (column[k]! < 0) norm = -norm
    for (let i = k; i < rows; i++) column[i]! /= norm
    column[k]! += 1
    for (let j = k + 1; j < cols; j++) applyReflector(column, a[j]!, k, rows)
    applyReflector(column, rhs, k, rows)
    diagonal[k] = -norm
  }
  return diagonal
}

function applyReflector(reflector: Float64Array, target: Float64Array, k: number, rows: number): void {
  let dot = 0
  for (let i = k; i < rows; i++) dot += reflector[i]! * target[i]!
  const factor = -dot / reflector[k]!
  for (let i = k; i < rows; i++) target[i]! += factor * reflector[i]!
}

function backSubstitute(a: Float64Array[], rhs: Float64Array, diagonal: Float64Array, rows: number): number[] {
  const cols = a.length
  const solution = new Array<number>(cols).fill(0)
  let largestPivot = 0
  for (const d of diagonal) largestPivot = Math.max(largestPivot, Math.abs(d))
  const cutoff = rows * Number.EPSILON * largestPivot
  for (let k = Math.min(cols, rows) - 1; k >= 0; k--) {
    const pivot = diagonal[k]!
    if (!(Math.abs(pivot) > cutoff)) {
      if (Number.isNaN(pivot) || Number.isNaN(rhs[k]!)) solution[k] = Number.NaN
      continue
    }
    let acc = rhs[k]!
    for (let j = k + 1; j < cols; j++) acc -= a[j]![k]! * solution[j]!
    solution[k] = acc / pivot
  }
  return solution
}

/** numpy.polyval by Horner's rule, starting from 0 like numpy (`acc = acc * x + c`). */
export function polyval(coefficients: readonly number[], x: number): number {
  let acc = 0
  for (const c of coefficients) acc = acc * x + c
  return acc
}

/**
 * numpy.convolve(values, kernel, 'same') for a kernel no longer than the values: the zero-padded
 * full convolution, centred (offset ⌊(M−1)/2⌋), N values long.
 *
 * numpy returns max(N, M) values when the kernel is longer than the data; that length mismatch made
 * the predecessor drop the trend. Here the output always has N values (the same centred window), so
 * a caller never has to special-case it.
 */
export function convolveSame(values: ArrayLike<number>, kernel: ArrayLike<number>): number[] {
  const n = values.length
  const m = kernel.length
  if (n === 0 || m === 0) return []
  const offset = Math.floor((m - 1) / 2)
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const fullIndex = i + offset
    let acc = 0
    const jStart = Math.max(0, fullIndex - m + 1)
    const jEnd = Math.min(n - 1, fullIndex)
    for (let j = jStart; j <= jEnd; j++) acc += (values[j] as number) * (kernel[fullIndex - j] as number)
    out[i] = acc
  }
  return out
}

/** Python's round(): to the nearest integer, ties to even (JS Math.round rounds ties up). */
export function roundHalfEven(value: number): number {
  if (!Number.isFinite(value)) return value
  const floor = Math.floor(value)
  const diff = value - floor
  if (diff < 0.5) return floor
  if (diff > 0.5) return floor + 1
  return floor % 2 === 0 ? floor : floor + 1
}
