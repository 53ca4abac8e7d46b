import { describe, expect, it } from 'bun:test'
import { at, deposit, hourly, withdrawal } from './test-fixtures.ts'
import { convertToUsd } from './usd.ts'

const prices = hourly([1.0, 1.1, 0.9], [0, 2, 4])

describe('convertToUsd', () => {
  it('multiplies by the price interpolated at the transaction instant, keeping the sign', () => {
    const { transactions, unpriced } = convertToUsd([deposit(1, 100), withdrawal(3, 50)], prices)
    expect(transactions.map((t) => t.priceUsd)).toEqual([1.05, 1.0])
    expect(transactions[0]!.amountUsd).toBeCloseTo(105, 12)
    expect(transactions[1]!.amountUsd).toBeCloseTo(-50, 12)
    expect(transactions[0]!.amount).toBe(100)
    expect(unpriced).toEqual([])
  })

  it('holds the first and last price outside the price series', () => {
    const { transactions } = convertToUsd([deposit(-5, 10), deposit(9, 10)], prices)
    expect(transactions.map((t) => t.amountUsd)).toEqual([10, 9])
  })

  it('keeps the raw amount and reports the transaction when there is no usable price', () => {
    const txs = [deposit(1, 100)]
    for (const series of [null, { ts: [at(0)], values: [Number.NaN] }, { ts: [at(0)], values: [0] }]) {
      const { transactions, unpriced } = convertToUsd(txs, series)
      expect(transactions[0]!.amountUsd).toBe(100)
      expect(transactions[0]!.priceUsd).toBeNull()
      expect(unpriced).toEqual(txs)
    }
  })

  it('skips unusable price samples and uses the others', () => {
    const { transactions } = convertToUsd([deposit(2, 10)], hourly([2, Number.NaN, 4], [0, 2, 4]))
    expect(transactions[0]!.priceUsd).toBe(3)
  })

  it('prices at created_at when that is what places transactions', () => {
    const { transactions } = convertToUsd([deposit(0, 10, { createdAtHours: 4 })], prices, 'created_at')
    expect(transactions[0]!.priceUsd).toBe(0.9)
  })
})
