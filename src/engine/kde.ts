/**
 * Gaussian kernel density estimate of the residuals, for the residual-distribution panel
 * (spec-http §7.7): Silverman's rule-of-thumb bandwidth h = 1.06 · σ · n^(−1/5) (σ the population
 * standard deviation of the finite values) evaluated on an evenly spaced grid from min to max.
 * Omitted (null) with fewer than 2 finite values or σ = 0, where no bandwidth exists.
 */
import { std } from './numeric.ts'

/** Grid points of the density curve. */
export const KDE_GRID_POINTS = 200
/** Silverman's rule-of-thumb factor for a Gaussian kernel. */
const SILVERMAN_FACTOR = 1.06
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI)

export interface DensityCurve {
  readonly x: number[]
  readonly density: number[]
  readonly bandwidth: number
}

export function gaussianKde(values: readonly number[], gridPoints = KDE_GRID_POINTS): DensityCurve | null {
  const finite = values.filter(Number.isFinite)
  const n = finite.length
  if (n < 2 || gridPoints < 2) return null
  const sigma = std(finite)
  if (!(sigma > 0)) return null
  const bandwidth = SILVERMAN_FACTOR * sigma * n ** -0.2
  const low = Math.min(...finite)
  const high = Math.max(...finite)
  const step = (high - low) / (gridPoints - 1)
  // numpy.linspace: start + i·step, with the end point exact
  const x = Array.from({ length: gridPoints }, (_, i) => (i === gridPoints - 1 ? high : low + i * step))
  const norm = INV_SQRT_2PI / (n * bandwidth)
  const density = x.map((at) => {
    let acc = 0
    for (const v of finite) {
      const u = (at - v) / bandwidth
      acc += Math.exp(-0.5 * u * u)
    }
    return acc * norm
  })
  return { x, density, bandwidth }
}
