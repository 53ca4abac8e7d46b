/** @jsxImportSource hono/jsx */
/**
 * The dashboard's history panel, a self-contained fragment (`GET /dashboard/history?asset=`) the
 * page loads and polls on its own: per asset a status strip of the last 48 evaluations (one
 * coloured tick each, its time, decision and reason in the tooltip; hatched when `replay
 * --write-history` filled it in) and "last WITHDRAW_OK 3 h ago" (live rows only);
 * for the selected asset a small chart of the withdrawable amount and the gain over the retained
 * history (amounts only for a viewer allowed to see them, like the decisions). It reads the
 * in-memory recent history, never the database.
 */
import type { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { Config } from '../../config/resolve.ts'
import { DECISION_LABEL, type EpochMs } from '../../engine/types.ts'
import type { DecisionRecord } from '../../history/record.ts'
import type { AssetHistoryView, RecentHistory } from '../../history/recent.ts'
import type { AccessPolicy } from '../access.ts'

export const STRIP_LENGTH = 48
const CHART_WIDTH = 640
const CHART_HEIGHT = 120
const CHART_POINTS = 400
const TICK_CLASS = { 1: 'ok', 0: 'hold', [-1]: 'error' } as const

export function relativeAge(then: EpochMs, now: EpochMs): string {
  const minutes = Math.max(0, Math.round((now - then) / 60_000))
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} d ago`
}

function stamp(ms: EpochMs, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`
}

const Strip: FC<{ records: readonly DecisionRecord[]; timezone: string }> = ({ records, timezone }) => (
  <span class="strip" role="img" aria-label={`last ${records.length} evaluations`}>
    {records.slice(-STRIP_LENGTH).map((record) => (
      <span
        class={`tick ${TICK_CLASS[record.decision]}${record.origin === 'replay' ? ' replayed' : ''}`}
        title={`${stamp(record.ts, timezone)} — ${DECISION_LABEL[record.decision]}${record.origin === 'replay' ? ' (replayed)' : ''}${record.reasonText ? ` — ${record.reasonText}` : ''}`}
      />
    ))}
  </span>
)

/** `[x, y]` points of one series scaled into the chart box. */
function polyline(
  records: readonly DecisionRecord[],
  value: (r: DecisionRecord) => number | null,
  scale: (ts: EpochMs, v: number) => string,
): string {
  return records
    .map((record) => {
      const v = value(record)
      return v === null ? null : scale(record.ts, v)
    })
    .filter((point): point is string => point !== null)
    .join(' ')
}

const AmountChart: FC<{ records: readonly DecisionRecord[]; timezone: string }> = ({ records, timezone }) => {
  const stride = Math.max(1, Math.ceil(records.length / CHART_POINTS))
  const shown = records.filter((_, index) => index % stride === 0 || index === records.length - 1)
  const values = shown.flatMap((r) => [r.withdrawableUsd, ...(r.gUsd === null ? [] : [r.gUsd])])
  if (shown.length < 2 || values.length === 0) return <p class="muted">The chart appears after two evaluations.</p>
  const low = Math.min(0, ...values)
  const high = Math.max(...values, low + 1)
  const first = shown[0]!.ts
  const span = Math.max(1, shown.at(-1)!.ts - first)
  const scale = (ts: EpochMs, v: number) =>
    `${(((ts - first) / span) * CHART_WIDTH).toFixed(1)},${(CHART_HEIGHT - ((v - low) / (high - low)) * CHART_HEIGHT).toFixed(1)}`
  return (
    <figure class="history-chart">
      <svg viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`} preserveAspectRatio="none" role="img" aria-label="withdrawable amount and gain (USD)">
        <polyline class="gain" fill="none" points={polyline(shown, (r) => r.gUsd, scale)} />
        <polyline class="withdrawable" fill="none" points={polyline(shown, (r) => r.withdrawableUsd, scale)} />
      </svg>
      <figcaption>
        <span class="legend withdrawable">withdrawable</span> <span class="legend gain">gain since t0</span> (USD, {low.toFixed(0)} to{' '}
        {high.toFixed(0)}; {stamp(first, timezone)} → {stamp(shown.at(-1)!.ts, timezone)})
      </figcaption>
    </figure>
  )
}

export const HistoryPanel: FC<{
  config: Config
  views: ReadonlyMap<string, AssetHistoryView>
  selected: string
  showAmounts: boolean
  now: EpochMs
}> = ({ config, views, selected, showAmounts, now }) => {
  const timezone = config.settings.timezone
  const selectedView = views.get(selected)
  return (
    <div id="history-content">
      <h2>History</h2>
      <table class="history-strips">
        <tbody>
          {config.domain.assets.map((asset) => {
            const view = views.get(asset)!
            return (
              <tr data-asset={asset} class={asset === selected ? 'selected' : undefined}>
                <th scope="row">{asset.toUpperCase()}</th>
                <td>
                  {view.records.length === 0 ? (
                    <span class="muted">no evaluations recorded yet</span>
                  ) : (
                    <Strip records={view.records} timezone={timezone} />
                  )}
                </td>
                <td class="last-ok">
                  {view.lastWithdrawOk === null ? (
                    <span class="muted">no WITHDRAW_OK in the retained history</span>
                  ) : (
                    <span title={stamp(view.lastWithdrawOk, timezone)}>last WITHDRAW_OK {relativeAge(view.lastWithdrawOk, now)}</span>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {[...views.values()].some((view) => view.records.slice(-STRIP_LENGTH).some((record) => record.origin === 'replay')) ? (
        <p class="muted">
          <span class="tick hold replayed" aria-hidden="true" /> Hatched ticks were filled in by a replay (<code>replay --write-history</code>): what
          the rule would have said then, not what the service said.
        </p>
      ) : null}
      {selectedView === undefined ? null : showAmounts ? (
        <AmountChart records={selectedView.records} timezone={timezone} />
      ) : (
        <p class="muted">Log in to see the amounts over time.</p>
      )}
    </div>
  )
}

/** What the page embeds: the fragment loads itself and refreshes with the other panels. */
export const HistoryPlaceholder: FC<{ asset: string; refreshSeconds: number }> = ({ asset, refreshSeconds }) => (
  <section
    class="panel history"
    id="history"
    hx-get={`/dashboard/history?${new URLSearchParams({ asset })}`}
    hx-trigger={`load, every ${refreshSeconds}s`}
    hx-swap="innerHTML"
  >
    <p class="muted">Loading the history…</p>
  </section>
)

export function registerHistoryPanel(app: Hono, config: Config, recent: RecentHistory | null, policy: AccessPolicy, authEnabled: boolean): void {
  app.get('/dashboard/history', async (c) => {
    if (recent === null)
      return c.html('<p class="muted">The decision history is disabled (history.enabled: false).</p>', 200, { 'Cache-Control': 'no-store' })
    const asked = c.req.query('asset')
    const selected = asked !== undefined && config.domain.assets.includes(asked) ? asked : config.domain.assets[0]!
    const viewer = await policy.viewer(c)
    const views = new Map(config.domain.assets.map((asset) => [asset, recent.view(asset)]))
    const panel = (
      <HistoryPanel config={config} views={views} selected={selected} showAmounts={viewer.authenticated || !authEnabled} now={Date.now()} />
    )
    return c.html(String(panel), 200, { 'Cache-Control': 'no-store' })
  })
}
