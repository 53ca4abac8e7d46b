/**
 * Number and time labels. Tick labels carry as many decimals as their step needs (ticks 0.0005
 * apart need four); annotated values carry their unit's precision: USD to the cent, percentages
 * to 0.01, rates to six significant digits (a stablecoin at 0.999870 must not read "1.00").
 * Times are UTC, always.
 */

import type { ValueUnit } from './types.ts'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const
const RATE_SIGNIFICANT_DIGITS = 6
/** U+2212, the typographic minus: the same width as "+", so signed columns line up. */
const MINUS = '\u2212'

function groupThousands(fixed: string): string {
  const [whole = '', fraction] = fixed.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return fraction === undefined ? grouped : `${grouped}.${fraction}`
}

/** Fixed decimals with thousands separators and a real minus sign; −0 prints as 0. */
export function formatFixed(value: number, decimals: number): string {
  const fixed = Math.abs(value).toFixed(decimals)
  const negative = value < 0 && Number(fixed) !== 0
  return (negative ? MINUS : '') + groupThousands(fixed)
}

/** Decimals that tell apart ticks `step` apart (0.25 → 2, 5 → 0, 0.0005 → 4). */
export function decimalsForStep(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 2
  // round before ceil so 0.1 (stored as 0.1000000000000000055…) gives 1, not 2
  const decimals = Math.ceil(-Math.log10(step) - 1e-9)
  const exact = Number(step.toFixed(Math.max(0, decimals)))
  const needsMore = Math.abs(exact - step) > step * 1e-6
  return Math.min(12, Math.max(0, decimals + (needsMore ? 1 : 0)))
}

/** A formatter for tick values `step` apart. */
export function tickFormatter(step: number): (value: number) => string {
  const decimals = decimalsForStep(step)
  return (value) => formatFixed(value, decimals)
}

/** A single value with its unit's precision, e.g. "1,234.56 USD", "12.34 %", "0.999870". */
export function formatValue(value: number, unit: ValueUnit): string {
  if (!Number.isFinite(value)) return String(value)
  switch (unit) {
    case 'USD':
      return `${formatFixed(value, 2)} USD`
    case '%':
      return `${formatFixed(value, 2)} %`
    case 'rate':
      return formatSignificant(value, RATE_SIGNIFICANT_DIGITS)
  }
}

export function formatSignificant(value: number, digits: number): string {
  if (value === 0) return '0'
  const magnitude = Math.floor(Math.log10(Math.abs(value)))
  const decimals = Math.max(0, digits - 1 - magnitude)
  return formatFixed(value, Math.min(decimals, 12))
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** "27 Nov" */
export function formatDay(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`
}

/** "06:00" */
export function formatHourMinute(ms: number): string {
  const d = new Date(ms)
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`
}

/** "Nov 2025" */
export function formatMonth(ms: number): string {
  const d = new Date(ms)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}
