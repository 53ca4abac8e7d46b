/**
 * Small fixture factories for the engine's unit tests (test-only; nothing in the engine imports
 * this file). Times are whole hours after T0 so a test reads as "deposit at hour 2.5".
 */
import type { AssetSettings, GateSettings } from './settings.ts'
import type { AggregateSeries, EpochMs, Series, Transaction } from './types.ts'

export const T0: EpochMs = Date.UTC(2025, 2, 1)
export const HOUR = 3_600_000

/** The instant `hours` after T0. */
export const at = (hours: number): EpochMs => T0 + Math.round(hours * HOUR)

/** A series sampled every hour from T0 (or at the given hours). */
export function hourly(values: readonly number[], hours?: readonly number[]): Series {
  return { ts: values.map((_, i) => at(hours?.[i] ?? i)), values: [...values] }
}

export function aggregateOf(series: Series, price: number | ((i: number) => number | null) = 1): AggregateSeries {
  return {
    ts: series.ts,
    usd: series.values,
    price: series.ts.map((_, i) => (typeof price === 'function' ? price(i) : price)),
  }
}

interface TxOptions {
  wallet?: string
  notes?: string | null
  createdAtHours?: number
}

export function deposit(hours: number, amount: number, options: TxOptions = {}): Transaction {
  return transaction('deposit', hours, Math.abs(amount), options)
}

/** A withdrawal as read from the store: negative amount. */
export function withdrawal(hours: number, amount: number, options: TxOptions = {}): Transaction {
  return transaction('withdrawal', hours, -Math.abs(amount), options)
}

function transaction(kind: Transaction['kind'], hours: number, amount: number, options: TxOptions): Transaction {
  return {
    ts: at(hours),
    createdAt: at(options.createdAtHours ?? hours),
    wallet: options.wallet ?? 'addr1_wallet_a',
    marketId: 'market',
    kind,
    amount,
    notes: options.notes ?? null,
  }
}

/** The same transactions with their amounts taken as USD (what `correctedGains` consumes). */
export function inUsd(transactions: readonly Transaction[]) {
  return transactions.map((tx) => ({ ...tx, amountUsd: tx.amount }))
}

export function gateSettings(overrides: Partial<GateSettings> = {}): GateSettings {
  return {
    enabled: true,
    basis: 'corrected_position',
    method: 'polynomial_fit',
    polynomial_order: 1,
    k_sigma: 2,
    min_points: 5,
    exclude_last_for_sigma: true,
    holdout: 0,
    holdout_minutes: null,
    sigma: 'std',
    lookback_hours: null,
    sigma_epsilon: 1e-6,
    threshold_mode: 'stddev',
    central_confidence: 0.68,
    on_trigger: 'hold',
    tail: 'both',
    apply_in_fallback: false,
    ...overrides,
  }
}

export function assetSettings(overrides: Partial<AssetSettings> = {}): AssetSettings {
  return {
    alignment_method: 'none',
    tx_timestamp_source: 'timestamp',
    reference: { keyword: 'alert_driven', fallback: 'null' },
    safety_factor: 0.5,
    gate: gateSettings({ enabled: false }),
    price_compare: {
      enabled: false,
      sources: ['liqwid', 'minswap'],
      epsilon_mode: 'relative',
      tolerance_epsilon: 0.01,
      persistence_threshold: 1,
      action_on_mismatch: 'hold',
    },
    trend: {
      enabled: true,
      method: 'polynomial_fit',
      polynomial_order: 2,
      window_size_hours: 24,
      window_type: 'polynomial',
      gaussian_kde_sigma_fraction: 0.3,
    },
    ...overrides,
  }
}

/** A deterministic pseudo-random generator (mulberry32) so property tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [low, high]. */
export const randomInt = (random: () => number, low: number, high: number) => low + Math.floor(random() * (high - low + 1))
