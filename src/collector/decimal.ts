/**
 * Exact decimal arithmetic for valuing a position: `coefficient × 10^exponent` with a BigInt
 * coefficient. Koios sends token quantities as decimal strings that can exceed 2^53 (a
 * Cardano quantity is a 64-bit integer), so `Number(quantity) × rate` would already lose digits
 * before scaling. Everything is multiplied exactly here and rounded once, to the nearest double,
 * when the value is written.
 */
import { AppError } from '../errors.ts'

export interface Decimal {
  readonly coefficient: bigint
  readonly exponent: number
}

/** `123`, `-0.0213`, `2.13e-7`, `1E+3`: the JSON number grammar, as text. */
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

/**
 * A decimal from its text, or from a JSON number through its shortest round-trip text (the
 * digits the API sent, when it sent at most 17 significant digits).
 */
export function parseDecimal(value: string | number | bigint, what = 'value'): Decimal {
  if (typeof value === 'bigint') return { coefficient: value, exponent: 0 }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new AppError('upstream_invalid', `${what} is not a finite number: ${value}`)
  const text = typeof value === 'number' ? String(value) : value.trim()
  const match = DECIMAL_TEXT.exec(text)
  if (!match) throw new AppError('upstream_invalid', `${what} is not a decimal number: ${JSON.stringify(text)}`)
  const [, sign, whole, fraction = '', exponentText = '0'] = match
  const digits = BigInt(`${whole}${fraction}`)
  return { coefficient: sign === '-' ? -digits : digits, exponent: Number(exponentText) - fraction.length }
}

/** A non-negative integer quantity as Koios sends it (`"18446744073709551615"`). */
export function parseQuantity(text: unknown): bigint | null {
  return typeof text === 'string' && /^\d{1,40}$/.test(text) ? BigInt(text) : null
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent }
}

/** `value / 10^places`, exactly. */
export function shift(value: Decimal, places: number): Decimal {
  return { coefficient: value.coefficient, exponent: value.exponent - places }
}

/** The nearest double (JavaScript's decimal-to-double conversion is correctly rounded). */
export function toNumber(value: Decimal): number {
  return Number(`${value.coefficient}e${value.exponent}`)
}

/** Plain positional text, every significant digit kept: `1844.6744073709551615` (no trailing zeros). */
export function toPlainString(value: Decimal): string {
  const negative = value.coefficient < 0n
  const digits = (negative ? -value.coefficient : value.coefficient).toString()
  let text: string
  if (value.exponent >= 0) text = digits + '0'.repeat(value.exponent)
  else {
    const places = -value.exponent
    const padded = digits.padStart(places + 1, '0')
    const fraction = padded.slice(padded.length - places).replace(/0+$/, '')
    text = padded.slice(0, padded.length - places) + (fraction === '' ? '' : `.${fraction}`)
  }
  return negative ? `-${text}` : text
}
