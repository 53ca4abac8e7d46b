/**
 * The Prometheus metrics, declared once (names, help texts and labels of spec-http §5.2, under
 * `runtime.telemetry.metric_prefix`, each switched by `runtime.telemetry.expose`), plus our own
 * process metrics. After every evaluation the per-asset families are cleared and set again, so
 * the label sets of an asset or source that disappeared are removed (the predecessor kept them
 * forever). The exposition text is rendered once per evaluation; a scrape returns that text and
 * never touches the database.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Config } from '../config/resolve.ts'
import type { ExposableMetric } from '../config/schema.ts'
import { TICK_OUTCOMES, type TickOutcome } from '../collector/collector.ts'
import type { AssetEvaluation, EvaluationResult } from '../evaluation/result.ts'
import { dataAge, withdrawable } from '../engine/insight.ts'

type AssetLabel = 'asset' | 'alternate_asset_name' | 'ref_mode'
type SourceLabel = 'asset' | 'alternate_asset_name' | 'source'
type PairLabel = 'asset' | 'alternate_asset_name'

interface DecisionGaugeSpec {
  key: ExposableMetric
  help: string
  /** `at`: the evaluation instant */
  value: (entry: AssetEvaluation, at: number) => number | null
}

/** spec-http §5.2, in the predecessor's registration order; then this product's additions. */
const DECISION_GAUGES: DecisionGaugeSpec[] = [
  { key: 'decision', help: 'Decision: 1=WITHDRAW_OK, 0=HOLD, -1=ERROR', value: (e) => e.decision.decision },
  { key: 'wmax_usd', help: 'Max allowable withdrawal in USD', value: (e) => e.decision.wmaxUsd },
  { key: 'v_ref_usd', help: 'Reference V_i(t0) raw position (USD)', value: (e) => e.decision.vRefUsd },
  { key: 'v_t1_usd', help: 'Latest V_i(t1) raw position (USD)', value: (e) => e.decision.vT1Usd },
  { key: 'g_usd', help: 'Corrected gain since t0 (USD)', value: (e) => e.decision.gUsd },
  { key: 'price_t1_usd', help: 'Price at t1 (USD)', value: (e) => e.decision.priceT1Usd },
  { key: 't0_timestamp_seconds', help: 'Reference timestamp (epoch seconds)', value: (e) => seconds(e.decision.t0) },
  { key: 't1_timestamp_seconds', help: 'Latest timestamp (epoch seconds)', value: (e) => seconds(e.decision.t1) },
  { key: 'residual_usd', help: 'Residual at t1 (USD)', value: (e) => (e.decision.gateApplied ? (e.decision.gate?.rNow ?? null) : null) },
  { key: 'sigma_usd', help: 'Residual sigma (USD)', value: (e) => (e.decision.gateApplied ? (e.decision.gate?.sigma ?? null) : null) },
  { key: 'k_sigma', help: 'K-sigma threshold', value: (e) => (e.decision.gateApplied ? (e.decision.gate?.k ?? null) : null) },
  {
    key: 'residual_trigger',
    help: 'Residual trigger flag (0/1)',
    value: (e) => (e.decision.gateApplied ? (e.decision.gate?.triggered ?? null) : null),
  },
  {
    key: 'withdrawable_usd',
    help: 'What the decision allows to withdraw now in USD (W_max on WITHDRAW_OK, 0 on HOLD and ERROR)',
    value: (e) => withdrawable(e.decision.decision, e.decision.wmaxUsd, null).usd,
  },
  {
    key: 'data_age_seconds',
    help: 'Age of the newest position sample at the evaluation (seconds)',
    value: (e, at) => {
      const age = dataAge(e.charts.positions.ts, at)
      return age === null ? null : age.ageMs / 1000
    },
  },
]

const PAIR_GAUGES: { key: ExposableMetric; help: string; value: (entry: AssetEvaluation) => number | null }[] = [
  { key: 'price_delta_abs', help: 'Abs price delta (USD)', value: (e) => e.decision.priceCompare?.deltaAbs ?? null },
  { key: 'price_delta_rel', help: 'Relative price delta', value: (e) => e.decision.priceCompare?.deltaRel ?? null },
  { key: 'price_mismatch', help: 'Price mismatch flag (0/1)', value: (e) => flag(e.decision.priceCompare?.mismatch) },
  { key: 'price_compare_unavailable', help: 'Price compare unavailable (0/1)', value: (e) => flag(e.decision.priceCompare?.unavailable) },
]

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000
}

function flag(value: boolean | number | null | undefined): number | null {
  if (value === null || value === undefined) return null
  return value ? 1 : 0
}

export interface Metrics {
  /** Sets every family from an evaluation and re-renders the exposition text. */
  update(result: EvaluationResult): Promise<void>
  /** An evaluation that failed as a whole (no result): per-asset series removed, success 0. */
  recordFailure(durationMs: number): Promise<void>
  /** A collector tick (`collector/collector.ts`): counted by outcome; a success also sets the last-success time. */
  recordCollection(outcome: TickOutcome, at: number): Promise<void>
  /** One end of a notification (sent, retried, failed, dropped) on a channel. */
  countNotification(channel: string, outcome: string): void
  /** The exposition text of the last update (before the first: HELP/TYPE lines and process metrics). */
  text(): string
  readonly contentType: string
}

export async function createMetrics(config: Config, build: { version: string; commit: string }): Promise<Metrics> {
  const telemetry = config.runtime.telemetry
  const prefix = telemetry.metric_prefix
  const exposed = (key: ExposableMetric) => telemetry.expose[key]
  const registry = new Registry()
  const assetLabels: AssetLabel[] = ['asset', 'alternate_asset_name', 'ref_mode']
  const decisionGauges = DECISION_GAUGES.filter((spec) => exposed(spec.key)).map((spec) => ({
    spec,
    gauge: new Gauge<AssetLabel>({ name: prefix + spec.key, help: spec.help, labelNames: assetLabels, registers: [registry] }),
  }))
  const lastEvalTimestamp = new Gauge({
    name: `${prefix}last_eval_timestamp_seconds`,
    help: 'Last evaluation timestamp (epoch seconds)',
    registers: [registry],
  })
  const priceBySource = exposed('price_usd_by_source')
    ? new Gauge<SourceLabel>({
        name: `${prefix}price_usd`,
        help: 'Price by source (USD)',
        labelNames: ['asset', 'alternate_asset_name', 'source'],
        registers: [registry],
      })
    : null
  const pairGauges = PAIR_GAUGES.filter((spec) => exposed(spec.key)).map((spec) => ({
    spec,
    gauge: new Gauge<PairLabel>({ name: prefix + spec.key, help: spec.help, labelNames: ['asset', 'alternate_asset_name'], registers: [registry] }),
  }))
  const rateUsd = exposed('rate_usd')
    ? new Gauge<SourceLabel>({
        name: `${prefix}rate_usd`,
        help: 'USD rate time series (price_usd)',
        labelNames: ['asset', 'alternate_asset_name', 'source'],
        registers: [registry],
      })
    : null
  const rateAda = exposed('rate_ada')
    ? new Gauge<SourceLabel>({
        name: `${prefix}rate_ada`,
        help: 'ADA rate time series (price_usd/ada_usd, minswap)',
        labelNames: ['asset', 'alternate_asset_name', 'source'],
        registers: [registry],
      })
    : null

  new Gauge({
    name: `${prefix}build_info`,
    help: 'Build information (always 1)',
    labelNames: ['version', 'commit'],
    registers: [registry],
  }).set({ version: build.version, commit: build.commit }, 1)
  const lastEvalSuccess = new Gauge({
    name: `${prefix}last_eval_success`,
    help: 'Whether the last evaluation completed without an asset in ERROR (1) or not (0)',
    registers: [registry],
  })
  const duration = new Histogram({
    name: `${prefix}evaluation_duration_seconds`,
    help: 'Duration of one evaluation of every asset (seconds)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  })
  const providerFailures = new Counter<'provider' | 'outcome'>({
    name: `${prefix}price_provider_failures_total`,
    help: 'Price provider calls that failed or timed out, by provider',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  })

  // Only with the collector on: a last-success time of 0 would read as "never collected".
  const collectorTicks = config.collector.enabled
    ? new Counter<'outcome'>({
        name: `${prefix}collector_ticks_total`,
        help: 'Position collector ticks by outcome (success, partial, failed, skipped)',
        labelNames: ['outcome'],
        registers: [registry],
      })
    : null
  const collectorLastSuccess = config.collector.enabled
    ? new Gauge({
        name: `${prefix}collector_last_success_timestamp_seconds`,
        help: 'When the position collector last wrote every configured wallet and asset (epoch seconds)',
        registers: [registry],
      })
    : null
  for (const outcome of TICK_OUTCOMES) collectorTicks?.inc({ outcome }, 0)
  const notifications = new Counter<'channel' | 'outcome'>({
    name: `${prefix}notifications_total`,
    help: 'Notification deliveries by channel and outcome (sent, retried, failed, dropped)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  })
  // Every configured channel shows all outcomes from the start, so a rate() has a baseline.
  for (const channel of config.notifications.enabled ? config.resolved.notification_channels : [])
    for (const outcome of ['sent', 'retried', 'failed', 'dropped']) notifications.inc({ channel: channel.name, outcome }, 0)

  let rendered = await registry.metrics()
  const rerender = () => {
    registry.metrics().then((text) => {
      rendered = text
    })
  }

  return {
    contentType: registry.contentType,
    text: () => rendered,
    async recordCollection(outcome, at) {
      collectorTicks?.inc({ outcome })
      if (outcome === 'success') collectorLastSuccess?.set(at / 1000)
      rendered = await registry.metrics()
    },
    countNotification(channel, outcome) {
      notifications.inc({ channel, outcome })
      rerender()
    },
    async recordFailure(durationMs) {
      // No evaluation, no decision: a stale WITHDRAW_OK must not stay exported while they fail.
      for (const { gauge } of [...decisionGauges, ...pairGauges]) gauge.reset()
      for (const gauge of [priceBySource, rateUsd, rateAda]) gauge?.reset()
      lastEvalSuccess.set(0)
      duration.observe(durationMs / 1000)
      rendered = await registry.metrics()
    },
    async update(result) {
      for (const { gauge } of [...decisionGauges, ...pairGauges]) gauge.reset()
      priceBySource?.reset()
      rateUsd?.reset()
      rateAda?.reset()
      for (const entry of result.assets) {
        const pair = { asset: entry.asset, alternate_asset_name: entry.alternateName }
        const labels = { ...pair, ref_mode: entry.decision.refMode ?? 'unknown' }
        for (const { spec, gauge } of decisionGauges) {
          const value = spec.value(entry, result.at)
          if (value !== null && Number.isFinite(value)) gauge.set(labels, value)
        }
        for (const { spec, gauge } of pairGauges) {
          const value = spec.value(entry)
          if (value !== null && Number.isFinite(value)) gauge.set(pair, value)
        }
        for (const [source, quote] of Object.entries(entry.prices?.bySource ?? {}))
          if (quote !== null) priceBySource?.set({ ...pair, source }, quote.price)
        if (entry.rateUsd) rateUsd?.set({ ...pair, source: entry.rateUsd.source }, entry.rateUsd.value)
        if (entry.rateAda !== null) rateAda?.set({ ...pair, source: 'greptime(minswap)' }, entry.rateAda)
        for (const attempt of entry.prices?.attempts ?? [])
          if (attempt.outcome === 'error' || attempt.outcome === 'timeout')
            providerFailures.inc({ provider: attempt.provider, outcome: attempt.outcome })
      }
      lastEvalTimestamp.set(result.at / 1000)
      lastEvalSuccess.set(result.hasErrors ? 0 : 1)
      duration.observe(result.durationMs / 1000)
      rendered = await registry.metrics()
    },
  }
}
