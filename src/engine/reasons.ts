/**
 * Why an asset HOLDs or is in ERROR, in words a supplier reads: a stable code per cause (for the
 * API, the decision history and alerts), one plain sentence, what to do about it, and the formula
 * the engine used (`detail`, shown behind a disclosure). Pure: built from the decision value, never
 * from I/O. The engine's own reason strings (`decision.reason`, what `--once` prints) stay as they
 * are; this module only classifies and rewords them.
 *
 * The code list is the contract: add codes, never rename one.
 */
import type { AssetDecision } from './decision.ts'

export const REASON_CODES = {
  /** no tagged reference withdrawal and no usable fallback: nothing to measure a gain from */
  no_reference: 'HOLD',
  /** data_range fallback without any position sample since the range start */
  no_samples: 'HOLD',
  /** no wallet has samples since t0 */
  no_wallets: 'HOLD',
  /** the gain since t0 is zero or negative, mostly because interest has not built up */
  no_gain: 'HOLD',
  /** the gain since t0 is negative because the token's USD price fell (a depeg, for a stablecoin) */
  price_loss: 'HOLD',
  /** the asset has a gain but every wallet on its own has none */
  wallets_clamped: 'HOLD',
  /** the residual gate saw an unusual move of the position (often an unsynced transaction) */
  unusual_move: 'HOLD',
  /** on_trigger withdraw: the gate saw no opportunity */
  no_opportunity: 'HOLD',
  /** the gate could not run (too few points, no series, degenerate spread) */
  gate_not_run: 'HOLD',
  /** two price sources disagree beyond the tolerance */
  price_mismatch: 'HOLD',
  /** the reference withdrawal or range start lies in the future */
  reference_in_future: 'ERROR',
  /** keyword reference without any position sample since t0 */
  no_series: 'ERROR',
  /** a deposit/withdrawal row the gain cannot use */
  invalid_transaction: 'ERROR',
  /** the store or a table could not be read, the asset name did not resolve */
  data_unavailable: 'ERROR',
  /** a bug: the engine threw */
  internal_error: 'ERROR',
  /** a HOLD cause this module does not know (a newer engine reason): the engine's words are shown */
  unclassified: 'HOLD',
} as const

export type ReasonCode = keyof typeof REASON_CODES

/** A few words per code, for counts of reasons ("HOLD ×12: unusual move of the position"). */
export const REASON_LABELS: Readonly<Record<ReasonCode, string>> = {
  no_reference: 'no reference withdrawal to measure from',
  no_samples: 'no position samples since the range start',
  no_wallets: 'no wallet with samples since the reference',
  no_gain: 'no gain since the reference yet',
  price_loss: 'a loss from the token’s price',
  wallets_clamped: 'no wallet has a gain of its own',
  unusual_move: 'an unusual move of the position (residual gate)',
  no_opportunity: 'no opportunity (gate on_trigger: withdraw)',
  gate_not_run: 'the safety check could not run',
  price_mismatch: 'the price sources disagree',
  reference_in_future: 'the reference lies in the future',
  no_series: 'no samples since the reference',
  invalid_transaction: 'an unusable deposit or withdrawal row',
  data_unavailable: 'the data could not be read',
  internal_error: 'the evaluation failed unexpectedly',
  unclassified: 'another reason',
}

/** The label of a stored or replayed code; a code this version does not know is shown as is. */
export function reasonLabel(code: string): string {
  return Object.hasOwn(REASON_LABELS, code) ? REASON_LABELS[code as ReasonCode] : code
}

export interface Reason {
  readonly code: ReasonCode
  /** one plain sentence */
  readonly text: string
  /** what the supplier can do about it */
  readonly action: string
  /** the engine's own wording with its numbers (the formula) */
  readonly detail: string
}

/** What the plain sentences need beyond the decision. */
export interface ReasonContext {
  /** the gain since t0 that comes from the price (USD), null when unknown */
  readonly priceEffectUsd: number | null
  /** the price's distance from 1 USD when the asset is a USD stablecoin off its peg, else null */
  readonly pegDeviation: number | null
  /** the gate's `k` (stddev mode), for "k× its usual movement" */
  readonly kSigma: number | null
  /** false: the sentences leave out every amount (a logged-out visitor under public_view: summary) */
  readonly amounts?: boolean
}

const NO_CONTEXT: ReasonContext = { priceEffectUsd: null, pegDeviation: null, kSigma: null }

/** 5,812.4 → "5.8k", 912.3 → "912", 23.56 → "23.56". */
export function compactUsd(value: number): string {
  const size = Math.abs(value)
  if (size >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`
  if (size >= 1_000) return `${(value / 1_000).toFixed(1)}k`
  if (size >= 100) return value.toFixed(0)
  return value.toFixed(2)
}

const signed = (value: number) => `${value >= 0 ? '+' : '−'}${compactUsd(Math.abs(value))}`
const percent = (value: number) => `${(value * 100).toFixed(1)} %`

/** Every reason the decision HOLDs or is in ERROR, the deciding one first; [] for WITHDRAW_OK. */
export function explainDecision(decision: AssetDecision, context: ReasonContext = NO_CONTEXT): Reason[] {
  if (decision.decision === 1) return []
  const name = decision.asset.toUpperCase()
  if (decision.decision === -1) return [errorReason(name, decision.error ?? decision.reason ?? 'unknown error')]
  const parts = topLevelParts(decision.reason ?? '')
  const reasons = parts.map((part) => holdReason(name, part, decision, context))
  return reasons.length > 0 ? reasons : [{ code: 'no_gain', text: `${name} holds.`, action: 'Wait for the next evaluation.', detail: '' }]
}

/**
 * The engine joins its HOLD reasons with "; ". A reason can hold "; " itself inside parentheses
 * (the gate's explanation: "(σ 116 USD; alarm beyond 4×)"), so only a top-level "; " separates.
 */
export function topLevelParts(reason: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < reason.length; i++) {
    const char = reason[i]
    if (char === '(') depth++
    else if (char === ')') depth = Math.max(0, depth - 1)
    else if (depth === 0 && char === ';' && reason[i + 1] === ' ') {
      parts.push(reason.slice(start, i))
      start = i + 2
    }
  }
  parts.push(reason.slice(start))
  return parts.filter((part) => part !== '')
}

function errorReason(name: string, detail: string): Reason {
  if (/^(reference withdrawal at .* (after|is not before)|data range start .* is not before now)/.test(detail))
    return {
      code: 'reference_in_future',
      text: `The reference point for ${name} lies in the future, so no gain can be measured yet.`,
      action: 'Check the date of the tagged withdrawal and data.date_range.start, and the server clock.',
      detail,
    }
  if (detail.startsWith('no series in range'))
    return {
      code: 'no_series',
      text: `No position samples for ${name} were recorded since the reference withdrawal.`,
      action: 'Check that the position collector is running and writing this asset.',
      detail,
    }
  if (detail.startsWith('invalid transaction'))
    return {
      code: 'invalid_transaction',
      text: `A stored deposit or withdrawal of ${name} cannot be used (wrong sign or no wallet).`,
      action: 'Fix or delete that row, or sync transactions again.',
      detail,
    }
  if (detail.startsWith('internal error'))
    return {
      code: 'internal_error',
      text: `The evaluation of ${name} failed unexpectedly.`,
      action: 'Report it with the log line of this evaluation.',
      detail,
    }
  return {
    code: 'data_unavailable',
    text: `The data for ${name} could not be read.`,
    action: 'Check the database connection and that the asset’s tables exist; the next evaluation retries.',
    detail,
  }
}

function holdReason(name: string, detail: string, decision: AssetDecision, context: ReasonContext): Reason {
  if (decision.refMode === 'null' || detail.startsWith('no reference withdrawal') || detail.startsWith('reference withdrawal tagged'))
    return {
      code: 'no_reference',
      text: `There is no reference withdrawal for ${name} to measure a gain from.`,
      action: 'Tag your last withdrawal with the reference keyword (sync transactions), or set data.date_range.start.',
      detail,
    }
  if (detail.startsWith('no position samples since the data range start'))
    return {
      code: 'no_samples',
      text: `No position samples for ${name} since the start of the data range.`,
      action: 'Check that the position collector is running.',
      detail,
    }
  if (detail === 'no wallets/data')
    return {
      code: 'no_wallets',
      text: `No wallet holds ${name} samples since the reference withdrawal.`,
      action: 'Check the wallets configured for this asset.',
      detail,
    }
  if (detail.startsWith('non-positive gains')) return gainReason(name, detail, decision, context)
  if (detail === 'all wallets clamped to 0')
    return {
      code: 'wallets_clamped',
      text: `${name} gained overall, but no single wallet has a gain of its own.`,
      action: 'Wait: the wallets’ interest will add up.',
      detail,
    }
  if (detail.startsWith('residual gate triggered')) return unusualMoveReason(name, detail, decision, context)
  if (detail.startsWith('residual gate not triggered'))
    return {
      code: 'no_opportunity',
      text: `The ${name} position moves as usual: no opportunity to withdraw (on_trigger: withdraw).`,
      action: 'Wait for the next evaluation.',
      detail,
    }
  if (detail.startsWith('gate skipped'))
    return {
      code: 'gate_not_run',
      text: `The safety check for ${name} could not run: ${detail.slice('gate skipped: '.length)}.`,
      action: 'Wait for more samples; the check needs a few hours of data since the reference.',
      detail,
    }
  if (detail.startsWith('price mismatch')) {
    const delta = decision.priceCompare?.deltaRel
    return {
      code: 'price_mismatch',
      text: `The price sources for ${name} disagree${delta === null || delta === undefined ? '' : ` by ${percent(delta)}`}, more than the tolerance allows.`,
      action: 'Wait until the sources agree again; check the price feeds if it lasts.',
      detail,
    }
  }
  return errorLikeHold(name, detail)
}

function gainReason(name: string, detail: string, decision: AssetDecision, context: ReasonContext): Reason {
  const gain = decision.gUsd ?? 0
  const fromPrice = context.priceEffectUsd
  // A loss the price explains (the price effect alone is at least the loss): say so, with the peg.
  if (gain < 0 && fromPrice !== null && fromPrice <= gain) {
    const peg =
      context.pegDeviation === null
        ? ''
        : ` (${context.pegDeviation < 0 ? 'below' : 'above'} its 1 USD peg by ${percent(Math.abs(context.pegDeviation))})`
    const loss = context.amounts === false ? 'lost value' : `is ${signed(gain)} USD`
    return {
      code: 'price_loss',
      text: `Your ${name} position ${loss} since the reference because the ${name} price fell${peg}; the interest itself is not lost.`,
      action: 'Wait for the price to recover, or withdraw tokens knowing they are worth less in USD.',
      detail,
    }
  }
  return {
    code: 'no_gain',
    text: `Your ${name} position has ${gain < 0 && context.amounts !== false ? `a ${signed(gain)} USD` : 'no'} gain since the reference withdrawal yet.`,
    action: 'Wait: interest accrues every hour.',
    detail,
  }
}

function unusualMoveReason(name: string, detail: string, decision: AssetDecision, context: ReasonContext): Reason {
  const gate = decision.gate
  const r = gate?.rNow ?? null
  const sigma = gate?.sigma ?? null
  const times =
    r !== null && sigma !== null && sigma > 0
      ? ` about ${(Math.abs(r) / sigma).toFixed(1)}× more than it normally moves${context.kSigma === null ? '' : ` (limit ${context.kSigma}×)`}`
      : ''
  const size = context.amounts === false ? '' : ` ${signed(r ?? 0)} USD`
  const move = r === null ? 'moved unusually' : `${r >= 0 ? 'jumped' : 'dropped'}${size} away from its recent trend`
  return {
    code: 'unusual_move',
    text: `Your ${name} position ${move},${times}.`,
    action: 'Often an unsynced deposit or withdrawal: sync transactions, then wait for the next evaluation.',
    detail,
  }
}

/** A HOLD reason this module does not know yet: still one code, the engine's words as the sentence. */
function errorLikeHold(name: string, detail: string): Reason {
  return { code: 'unclassified', text: `${name} holds: ${detail}.`, action: 'Wait for the next evaluation.', detail }
}
