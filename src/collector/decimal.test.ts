import { describe, expect, it } from 'bun:test'
import { gridTick, valuePosition } from './collector.ts'
import { multiply, parseDecimal, parseQuantity, shift, toNumber, toPlainString } from './decimal.ts'
import type { CollectorMarket } from './markets.ts'

const MAX_U64 = 2n ** 64n - 1n

function market(exchangeRate: number | string, decimals: number): CollectorMarket {
  return {
    id: 'DJED',
    displayName: 'DJED',
    assetSymbol: 'DJED',
    decimals,
    priceUsd: 0.99086,
    exchangeRate: parseDecimal(exchangeRate),
    receiptUnit: 'ab'.repeat(28),
  }
}

describe('exact decimals', () => {
  it('reads JSON numbers through the digits that were sent, exponents included', () => {
    expect(parseDecimal(0.020587331244953)).toEqual({ coefficient: 20587331244953n, exponent: -15 })
    expect(parseDecimal(2.0113877e-7)).toEqual({ coefficient: 20113877n, exponent: -14 })
    expect(parseDecimal('-1.5E+3')).toEqual({ coefficient: -15n, exponent: 2 })
    expect(toPlainString(parseDecimal('0.00012'))).toBe('0.00012')
    expect(toPlainString(parseDecimal('1.500'))).toBe('1.5')
    expect(toPlainString(parseDecimal('-2.5e3'))).toBe('-2500')
  })

  it('refuses what is not a number', () => {
    expect(() => parseDecimal('1,5')).toThrow('is not a decimal number')
    expect(() => parseDecimal(Number.NaN)).toThrow('not a finite number')
  })

  it('parses quantities up to 2^64 and beyond without losing a digit, and refuses anything else', () => {
    expect(parseQuantity('18446744073709551615')).toBe(MAX_U64)
    expect(parseQuantity('18446744073709551616')).toBe(2n ** 64n)
    expect(parseQuantity('-1')).toBeNull()
    expect(parseQuantity('1e3')).toBeNull()
    expect(parseQuantity(12)).toBeNull()
  })

  it('multiplies and shifts exactly, rounding once to the nearest double', () => {
    const product = shift(multiply(parseDecimal(MAX_U64), parseDecimal('0.020587331244953')), 6)
    // oracle: Python's decimal module at 80 digits
    expect(toPlainString(product)).toBe('379769230636.332238046965361749095')
    expect(toNumber(product)).toBe(379769230636.3322)
  })
})

describe('valuing a position', () => {
  it('is quantity × exchangeRate / 10^decimals, then × price, each digit kept until the end', () => {
    const value = valuePosition(MAX_U64, market(0.020587331244953, 6), 0.99086)
    expect(value.unitsText).toBe('379769230636.332238046965361749095')
    expect(value.units).toBe(379769230636.3322)
    // × 0.99086 = 376298139868.31616139121609834270827170 (Python's decimal module)
    expect(value.usd).toBe(376298139868.31616)
  })

  it('differs from the float shortcut where the shortcut loses digits', () => {
    const quantity = 9007199254740993n // 2^53 + 1: Number() rounds it to 2^53
    const exact = valuePosition(quantity, market('1', 0), 1)
    expect(exact.unitsText).toBe('9007199254740993')
    expect(Number(quantity) * 1).toBe(9007199254740992)
  })

  it('values a zero balance at exactly 0', () => {
    expect(valuePosition(0n, market(0.0213, 8), 1)).toEqual({ units: 0, unitsText: '0', usd: 0 })
  })
})

describe('the sampling grid', () => {
  it('stamps a read with the grid instant at or before it', () => {
    const fiveMinutes = 300_000
    expect(gridTick(Date.UTC(2026, 0, 1, 12, 7, 31, 412), fiveMinutes)).toBe(Date.UTC(2026, 0, 1, 12, 5))
    expect(gridTick(Date.UTC(2026, 0, 1, 12, 5), fiveMinutes)).toBe(Date.UTC(2026, 0, 1, 12, 5))
    expect(gridTick(Date.UTC(2026, 0, 1, 12, 4, 59, 999), fiveMinutes)).toBe(Date.UTC(2026, 0, 1, 12, 0))
  })
})
