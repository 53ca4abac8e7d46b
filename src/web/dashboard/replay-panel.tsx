/** @jsxImportSource hono/jsx */
/**
 * The dashboard's Replay view (`?view=replay`): the page shows a placeholder that loads
 * `GET /dashboard/replay?asset=` — the replay takes seconds in its worker the first time after an
 * evaluation, then comes from the per-evaluation cache — with the timeline PNG
 * (`/dashboard/charts/<asset>/replay.png`), the summary a supplier reads (how often the rule said
 * what, why it held, what withdrawing at each turn would have taken) and every row as CSV.
 * Amounts, the timeline and the rows are for a viewer who may see amounts; everyone who may see
 * the dashboard gets the shares and the reasons.
 */
import type { Context, Hono } from 'hono'
import type { FC } from 'hono/jsx'
import { Layout } from '../../../templates/dashboard.tsx'
import { ChartPicture } from '../../../templates/parts.tsx'
import type { Config } from '../../config/resolve.ts'
import { AppError, describeError } from '../../errors.ts'
import type { LatestEvaluation } from '../../evaluation/latest.ts'
import { formatReplay } from '../../replay/format.ts'
import { parseVariant } from '../../views/chart-variants.ts'
import { type AssetReplay, describeEvery, type ReplayViews } from '../../views/replay-view.ts'
import type { AccessPolicy } from '../access.ts'
import { abbreviateAddress } from '../present.ts'
import { usd, utc, variants } from './model.ts'

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)} %`
const times = (count: number) => `${count} time${count === 1 ? '' : 's'}`

const Shares: FC<{ replayed: AssetReplay }> = ({ replayed }) => {
  const { share } = replayed.summary
  return (
    <p class="replay-shares" id="replay-shares">
      The rule said <strong>Withdraw OK {percent(share.withdrawOk)}</strong> of the time, <strong>Hold {percent(share.hold)}</strong>
      {share.error > 0 ? (
        <>
          , <strong>Error {percent(share.error)}</strong>
        </>
      ) : null}
      .
    </p>
  )
}

const Turns: FC<{ replayed: AssetReplay; seesAmounts: boolean; authenticated: boolean }> = ({ replayed, seesAmounts, authenticated }) => {
  const { summary } = replayed
  if (summary.transitionsToWithdrawOk === 0) return <p id="replay-turns">It never turned to Withdraw OK in this span.</p>
  const wallets = Object.entries(summary.withdrawnAtTransitionsByWallet).filter(([, amount]) => amount > 0)
  return (
    <>
      <p id="replay-turns">
        It turned to Withdraw OK {times(summary.transitionsToWithdrawOk)}.
        {seesAmounts ? (
          <>
            {' '}
            Withdrawing the allowed amount at each turn would have taken <strong>{usd(summary.withdrawnAtTransitionsUsd)} USD</strong> in all.
          </>
        ) : null}
      </p>
      {seesAmounts && wallets.length > 1 ? (
        <section class="table-scroll" tabindex={0} aria-label="Withdrawn at the turns, per wallet">
          <table id="replay-wallets">
            <thead>
              <tr>
                <th scope="col">Wallet</th>
                <th scope="col" class="num">
                  At the turns (USD)
                </th>
              </tr>
            </thead>
            <tbody>
              {wallets.map(([wallet, amount]) => (
                <tr>
                  <td>
                    <code title={authenticated ? wallet : undefined}>{abbreviateAddress(wallet)}</code>
                  </td>
                  <td class="num">{usd(amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  )
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** The causes by code in plain words; the engine's own wording (numbers blanked) behind a disclosure. */
const Reasons: FC<{ replayed: AssetReplay }> = ({ replayed }) => {
  const { holdReasonCodes, errorReasonCodes, holdReasons, errorReasons } = replayed.summary
  if (holdReasonCodes.length === 0 && errorReasonCodes.length === 0) return null
  return (
    <section id="replay-reasons">
      <h3>Why it held</h3>
      <ul>
        {holdReasonCodes.map(({ code, label, count }) => (
          <li data-code={code}>
            {capitalised(label)}: {times(count)}
          </li>
        ))}
        {errorReasonCodes.map(({ code, label, count }) => (
          <li data-code={code}>
            Error, {label}: {times(count)}
          </li>
        ))}
      </ul>
      <details>
        <summary>The engine’s wording</summary>
        <ul>
          {[...holdReasons, ...errorReasons].map(({ reason, count }) => (
            <li>
              {times(count)}: <code>{reason}</code>
            </li>
          ))}
        </ul>
      </details>
    </section>
  )
}

export const ReplayPanel: FC<{ replayed: AssetReplay; sequence: number; seesAmounts: boolean; authenticated: boolean }> = ({
  replayed,
  sequence,
  seesAmounts,
  authenticated,
}) => {
  const name = replayed.asset.toUpperCase()
  const csv = `/dashboard/replay.csv?${new URLSearchParams({ asset: replayed.asset, v: String(sequence) })}`
  return (
    <div id="replay-content">
      <h2>
        Replay: {name} over the last {Math.round((replayed.to - replayed.from) / 86_400_000)} days
      </h2>
      <p class="muted">
        One evaluation every {describeEvery(replayed.everyMs)} from {utc(replayed.from)} to {utc(replayed.to)}, each with only the data stored by then
        and the stored prices (live price APIs are not asked), by the rule and settings in use now.
      </p>
      <Shares replayed={replayed} />
      {seesAmounts ? (
        <ChartPicture
          variants={variants(replayed.asset, 'timeline', 'replay', sequence)}
          id="replay-chart"
          alt={`${name} decision over the last days: a band coloured by decision above the withdrawable amount and the gain since t0, in USD.`}
        />
      ) : (
        <p class="muted">Log in to see the amounts and the timeline.</p>
      )}
      <Turns replayed={replayed} seesAmounts={seesAmounts} authenticated={authenticated} />
      <Reasons replayed={replayed} />
      {seesAmounts ? (
        <p>
          <a href={csv} download={`replay-${replayed.asset}.csv`} id="replay-csv">
            Every replayed instant (CSV)
          </a>
        </p>
      ) : null}
    </div>
  )
}

export interface ReplayRoutesDeps {
  readonly config: Config
  readonly latest: LatestEvaluation
  /** null when visualization.dashboard.replay.enabled is false */
  readonly replays: ReplayViews | null
  readonly authEnabled: boolean
}

export function registerReplayRoutes(app: Hono, deps: ReplayRoutesDeps, policy: AccessPolicy): void {
  const { config, latest } = deps
  const noStore = { 'Cache-Control': 'no-store' }

  /** The asset and snapshot a request is about, or the answer that says why there is none. */
  async function target(c: Context) {
    const asset = c.req.query('asset') ?? c.req.param('asset') ?? ''
    if (!config.domain.assets.includes(asset)) return { refusal: c.text(`unknown asset ${asset}`, 404) }
    if (deps.replays === null) return { refusal: c.text('the Replay view is disabled (visualization.dashboard.replay.enabled: false)', 404) }
    const snapshot = latest.current
    if (snapshot === null) return { refusal: c.text('no evaluation yet', 503, { 'Retry-After': '5', ...noStore }) }
    return { asset, snapshot, replays: deps.replays, viewer: await policy.viewer(c) }
  }

  const needsAmounts = (seesAmounts: boolean) => {
    // no challenge: an <img> or a link must not pop a browser prompt
    if (!seesAmounts) throw new AppError('unauthorized', 'log in to see the replay amounts', { details: { challenge: false } })
  }

  app.get('/dashboard/replay', async (c) => {
    const found = await target(c)
    if ('refusal' in found) return found.refusal
    const { asset, snapshot, replays, viewer } = found
    if (deps.authEnabled && !viewer.authenticated && config.runtime.auth.public_view === 'none') needsAmounts(false)
    try {
      const replayed = await replays.replay(snapshot, asset)
      return fragment(
        c,
        <ReplayPanel replayed={replayed} sequence={snapshot.sequence} seesAmounts={viewer.seesAmounts} authenticated={viewer.authenticated} />,
      )
    } catch (error) {
      // The panel says what failed; the page and the other panels go on.
      return fragment(
        c,
        <p class="warning-line" id="replay-error">
          The replay could not run: {describeError(error)}
        </p>,
      )
    }
  })

  app.get('/dashboard/replay.csv', async (c) => {
    const found = await target(c)
    if ('refusal' in found) return found.refusal
    needsAmounts(found.viewer.seesAmounts)
    const replayed = await found.replays.replay(found.snapshot, found.asset)
    const instants = [...new Set(replayed.rows.map((row) => row.at))]
    const text = formatReplay('csv', { instants, rows: replayed.rows, durationMs: replayed.durationMs }, [replayed.summary])
    return c.body(text, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="replay-${found.asset}.csv"`,
      ...noStore,
    })
  })

  app.get('/dashboard/charts/:asset/replay.png', async (c) => {
    const found = await target(c)
    if ('refusal' in found) return found.refusal
    needsAmounts(found.viewer.seesAmounts)
    const variant = parseVariant(c.req.query('theme'), c.req.query('size'))
    const etag = found.replays.etag(found.snapshot, found.asset, variant)
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, cacheHeaders)
    const rendered = await found.replays.png(found.snapshot, found.asset, variant)
    return c.body(rendered.png as Uint8Array<ArrayBuffer>, 200, { ...cacheHeaders, 'Content-Type': 'image/png' })
  })
}

/** The panel for HTMX; without it (no JavaScript, the placeholder's link) a page around it. */
function fragment(c: Context, panel: unknown) {
  if (c.req.header('hx-request')) return c.html(String(panel), 200, { 'Cache-Control': 'no-store' })
  const page = (
    <Layout title="Alert Orchestrator — replay">
      <main class="panel replay">
        {panel}
        <p>
          <a href="/dashboard">Back to the dashboard</a>
        </p>
      </main>
    </Layout>
  )
  return c.html(`<!doctype html>${String(page)}`, 200, { 'Cache-Control': 'no-store' })
}
