/**
 * A deterministic synthetic Liqwid market (spec-data §6.4): per asset, wallets whose supplied
 * units grow with the exchange rate and jump at deposits and withdrawals, a stable price with a
 * small bounded wobble, tagged reference withdrawals, and Minswap prices with an ADA rate near 0.6.
 * Pure: no I/O, no clock, no Math.random. Used by the demo store and the benchmark workloads.
 *
 * The price wobble is bounded on purpose (a slow sine plus a little jitter, never beyond
 * ±PRICE_WOBBLE): with Gaussian noise, now and then a sample drifts far enough to push a small
 * gain below zero or past the residual gate's k·σ, and the demo's states would depend on the hour
 * it was created. A sine's extremes stay within 1.3·k·σ of its own spread for k = 2, and the
 * interest earned since each reference is more than twice the wobble's peak-to-peak move.
 *
 * Every random draw is a hash of (seed, asset, wallet, minute, purpose), not a position in a
 * stream, so the value at a timestamp never depends on how far the generation runs: generating
 * to a later `end` extends the same data, which is how the demo appends a live-looking feed.
 * Balances do depend on `start` (they accumulate from it), and the scripted features (reference
 * withdrawals, the price drop, the anomaly) are placed relative to `anchor`, the seeding instant.
 */

import type { EpochMs } from '../engine/types.ts'
import type { MinswapRow, NewTransaction, PositionRow } from './types.ts'

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS
const YEAR_MS = 365 * DAY_MS

export interface SyntheticAssetSpec {
  /** lowercase table symbol (`wanusdc`) */
  readonly symbol: string
  /** market_id and market_name (`USDC`) */
  readonly marketId: string
  readonly basePrice: number
  /** supply APY, e.g. 0.06 */
  readonly apy: number
  readonly walletCount: number
  /** tagged (reference) withdrawals this many days before the anchor */
  readonly referenceDaysBefore: readonly number[]
  /** Minswap price = Liqwid price × (1 + bias) (+ noise) */
  readonly minswapBias: number
  /**
   * reported units rise by `ratePerHour` (relative) from `hoursBefore` the anchor on, with no
   * transaction, for `lastsHours` in all: still rising while the store is appended to, so the
   * newest sample stays the outlier the gate catches (a step would look normal hours later)
   */
  readonly anomaly?: { readonly hoursBefore: number; readonly ratePerHour: number; readonly lastsHours: number }
  /** the price falls to price × factor from `daysBefore` the anchor, over `rampHours` */
  readonly priceDrop?: { readonly daysBefore: number; readonly rampHours: number; readonly factor: number }
}

export interface SyntheticWindow {
  readonly seed: string
  readonly stepMs: number
  /** the first sample, on the step grid; balances start here */
  readonly start: EpochMs
  /** the seeding instant (the last sample of the seed): scripted features are placed from it */
  readonly anchor: EpochMs
  /** samples up to and including this instant */
  readonly end: EpochMs
  /** emit only what belongs to samples after this instant (appending); null = everything */
  readonly after: EpochMs | null
  /** the substring that marks a withdrawal as a reference point */
  readonly keyword: string
}

export interface SyntheticAssetData {
  readonly positions: PositionRow[]
  readonly deposits: NewTransaction[]
  readonly withdrawals: NewTransaction[]
  readonly minswap: MinswapRow[]
}

/** The demo market: every state the dashboard can show, at once (see demo.ts). */
export const DEMO_ASSETS: readonly SyntheticAssetSpec[] = [
  { symbol: 'djed', marketId: 'DJED', basePrice: 1.0, apy: 0.06, walletCount: 3, referenceDaysBefore: [5, 12], minswapBias: 0.001 },
  {
    symbol: 'usdm',
    marketId: 'USDM',
    basePrice: 0.999,
    apy: 0.045,
    walletCount: 4,
    referenceDaysBefore: [4],
    minswapBias: -0.001,
    // The drop ends before the gate's 48-hour window opens: only the gain since t0 sees it.
    priceDrop: { daysBefore: 3, rampHours: 8, factor: 0.975 },
  },
  {
    symbol: 'wanusdc',
    marketId: 'USDC',
    basePrice: 0.9998,
    apy: 0.08,
    walletCount: 5,
    referenceDaysBefore: [6, 13],
    minswapBias: 0.0005,
    anomaly: { hoursBefore: 3, ratePerHour: 0.013, lastsHours: 12 },
  },
  { symbol: 'wanusdt', marketId: 'USDT', basePrice: 1.0002, apy: 0.07, walletCount: 6, referenceDaysBefore: [5], minswapBias: 0.02 },
]

const EXTRA_ASSETS: readonly SyntheticAssetSpec[] = [
  { symbol: 'usda', marketId: 'USDA', basePrice: 1.0, apy: 0.05, walletCount: 4, referenceDaysBefore: [7], minswapBias: 0.002 },
  { symbol: 'iusd', marketId: 'IUSD', basePrice: 0.998, apy: 0.09, walletCount: 4, referenceDaysBefore: [9], minswapBias: -0.002 },
]

/** `count` assets (the demo's first, then more), each with `wallets` wallets: benchmark workloads. */
export function workloadAssets(count: number, wallets: number): SyntheticAssetSpec[] {
  const catalogue = [...DEMO_ASSETS, ...EXTRA_ASSETS]
  return Array.from({ length: count }, (_, index) => {
    const base = catalogue[index] ?? { ...catalogue[index % catalogue.length]!, symbol: `synth${index + 1}`, marketId: `SYNTH${index + 1}` }
    return { ...base, walletCount: wallets }
  })
}

export function alignDown(ms: EpochMs, stepMs: number): EpochMs {
  return Math.floor(ms / stepMs) * stepMs
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
/** Length of a Shelley base address (`addr1` + 98 data characters). */
const ADDRESS_DATA_LENGTH = 98

/** A bech32-looking mainnet base address; the service never checks checksums (spec-data §6.4). */
export function walletAddress(seed: string, index: number): string {
  const key = hashText(`${seed}/wallet`)
  let data = 'q'
  for (let position = 1; position < ADDRESS_DATA_LENGTH; position++) data += BECH32[Math.floor(uniform(key, index, position, 0) * 32)]
  return `addr1${data}`
}

// Purposes of the random draws, so no two share a hash input.
const PRICE = 1
const EVENT = 2
const EVENT_KIND = 3
const EVENT_SIZE = 4
const EVENT_OFFSET = 5
const NULL_USD = 6
const INITIAL = 7
const MINSWAP = 8
const TX_ID = 9
const ADA = 10

const EVENTS_PER_WALLET_PER_DAY = 1 / 7
const NULL_USD_SHARE = 0.002
/** the price's bounded wobble, relative: ±0.015 % */
const PRICE_WOBBLE = 0.00015
/** not a divisor of a day, so the wobble's phase differs from one creation hour to the next */
const PRICE_WOBBLE_PERIOD_MS = 9.5 * HOUR_MS
const PRICE_JITTER_SHARE = 0.1
const MINSWAP_NOISE = 0.0008
const ADA_MEAN = 0.6
const ADA_REVERSION = 0.05
const ADA_NOISE = 0.004

export function generateAsset(spec: SyntheticAssetSpec, wallets: readonly string[], window: SyntheticWindow): SyntheticAssetData {
  const key = hashText(`${window.seed}/${spec.symbol}`)
  const { stepMs, start, anchor, end } = window
  const after = window.after ?? Number.NEGATIVE_INFINITY
  const growth = Math.exp((Math.log(1 + spec.apy) * stepMs) / YEAR_MS)
  const eventChance = (EVENTS_PER_WALLET_PER_DAY * stepMs) / DAY_MS
  const references = new Map(spec.referenceDaysBefore.map((days, index) => [alignDown(anchor - days * DAY_MS, stepMs), index % wallets.length]))
  const ada = adaWalk(window.seed, start, end)
  const units = wallets.map((_, wallet) => round(5_000 + uniform(key, wallet, 0, INITIAL) * 45_000, 6))
  const data: SyntheticAssetData = { positions: [], deposits: [], withdrawals: [], minswap: [] }

  for (let ts = start; ts <= end; ts += stepMs) {
    const minute = ts / MINUTE_MS
    const price = spec.basePrice * (1 + priceWobble(key, ts)) * priceDropFactor(spec, anchor, ts)
    const emit = ts > after
    for (let wallet = 0; wallet < wallets.length; wallet++) {
      const before = units[wallet]!
      let balance = ts === start ? before : before * growth
      const tagged = references.get(ts) === wallet
      if (ts !== start && (tagged || uniform(key, wallet, minute, EVENT) < eventChance)) {
        const isDeposit = !tagged && uniform(key, wallet, minute, EVENT_KIND) < 0.55
        const size = uniform(key, wallet, minute, EVENT_SIZE)
        const amount = round(isDeposit ? 100 + before * (0.02 + 0.1 * size) : before * (tagged ? 0.08 : 0.03 + 0.12 * size), 2)
        balance += isDeposit ? amount : -amount
        if (emit) {
          const offset =
            stepMs > 2 * MINUTE_MS ? 30_000 + Math.floor(uniform(key, wallet, minute, EVENT_OFFSET) * (stepMs - 2 * MINUTE_MS)) : stepMs / 2
          const tx: NewTransaction = {
            ts: ts - offset,
            createdAt: ts,
            wallet: wallets[wallet]!,
            marketId: spec.marketId,
            amount,
            notes: tagged
              ? `${window.keyword} Synced from Liqwid (tx: ${txId(key, wallet, minute)}...)`
              : `manual ${isDeposit ? 'deposit' : 'withdrawal'}`,
          }
          ;(isDeposit ? data.deposits : data.withdrawals).push(tx)
        }
      }
      units[wallet] = balance = round(balance, 6)
      if (!emit) continue
      const reported = round(balance * anomalyFactor(spec, anchor, ts), 6)
      data.positions.push({
        ts,
        wallet: wallets[wallet]!,
        marketId: spec.marketId,
        marketName: spec.marketId,
        units: reported,
        priceUsd: price,
        usdValue: uniform(key, wallet, minute, NULL_USD) < NULL_USD_SHARE ? null : reported * price,
      })
    }
    if (emit && ts % HOUR_MS === 0) {
      const noise = MINSWAP_NOISE * normal(key, -2, minute, MINSWAP)
      data.minswap.push({ ts, priceUsd: price * (1 + spec.minswapBias + noise), adaUsd: ada.get(ts) ?? ADA_MEAN })
    }
  }
  return data
}

/** Within ±PRICE_WOBBLE: a sine with a per-asset phase, plus a little uniform jitter. */
function priceWobble(key: number, ts: EpochMs): number {
  const phase = 2 * Math.PI * (uniform(key, -1, 0, PRICE) + ts / PRICE_WOBBLE_PERIOD_MS)
  const jitter = 2 * uniform(key, -1, ts / MINUTE_MS, PRICE) - 1
  return PRICE_WOBBLE * ((1 - PRICE_JITTER_SHARE) * Math.sin(phase) + PRICE_JITTER_SHARE * jitter)
}

function priceDropFactor(spec: SyntheticAssetSpec, anchor: EpochMs, ts: EpochMs): number {
  const drop = spec.priceDrop
  if (drop === undefined) return 1
  const elapsed = ts - (anchor - drop.daysBefore * DAY_MS)
  if (elapsed <= 0) return 1
  return 1 - (1 - drop.factor) * Math.min(1, elapsed / (drop.rampHours * HOUR_MS))
}

/** 1 before the anomaly, then a straight rise, then level at the height it reached. */
function anomalyFactor(spec: SyntheticAssetSpec, anchor: EpochMs, ts: EpochMs): number {
  const anomaly = spec.anomaly
  if (anomaly === undefined) return 1
  const hours = (ts - (anchor - anomaly.hoursBefore * HOUR_MS)) / HOUR_MS
  return 1 + anomaly.ratePerHour * Math.min(Math.max(hours, 0), anomaly.lastsHours)
}

/** Hourly ADA/USD, a mean-reverting walk from `start`; shared by every asset of a seed. */
function adaWalk(seed: string, start: EpochMs, end: EpochMs): Map<EpochMs, number> {
  const key = hashText(`${seed}/ada`)
  const walk = new Map<EpochMs, number>()
  let level = ADA_MEAN
  for (let hour = Math.ceil(start / HOUR_MS) * HOUR_MS; hour <= end; hour += HOUR_MS) {
    level += ADA_REVERSION * (ADA_MEAN - level) + ADA_NOISE * normal(key, 0, hour / MINUTE_MS, ADA)
    walk.set(hour, round(level, 6))
  }
  return walk
}

function txId(key: number, wallet: number, minute: number): string {
  let hex = ''
  for (let part = 0; part < 2; part++)
    hex += Math.floor(uniform(key, wallet, minute, TX_ID * 16 + part) * 2 ** 32)
      .toString(16)
      .padStart(8, '0')
  return hex
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals
  return Math.round(value * scale) / scale
}

function hashText(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193)
  return hash >>> 0
}

function mix(hash: number, value: number): number {
  let h = Math.imul(hash ^ (value | 0), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** A uniform draw in [0, 1) from its coordinates (murmur3-style finalising mix). */
function uniform(key: number, a: number, b: number, c: number): number {
  return mix(mix(mix(mix(key, a), b), c), 0x9e3779b9) / 2 ** 32
}

function normal(key: number, a: number, b: number, c: number): number {
  const u1 = Math.max(uniform(key, a, b, c * 2), Number.EPSILON)
  const u2 = uniform(key, a, b, c * 2 + 1)
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
}
