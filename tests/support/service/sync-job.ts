/**
 * Follows a sync job the way a client does: POST starts it (202 + status_url), GET status_url
 * until the state is no longer `running`. Works on a Hono app (`app.request`) or a base URL.
 *
 *   const { status, job, body } = await postSync(app)            // body: the report once done
 *   const html = await followDashboardSync(app, await response.text())
 */
import type { Hono } from 'hono'
import type { SyncJobView } from '../../../src/sync/jobs.ts'

type Requester = Hono | string

function send(target: Requester, path: string, init: RequestInit): Promise<Response> {
  return typeof target === 'string' ? fetch(`${target}${path}`, init) : Promise.resolve(target.request(path, init))
}

export interface FollowedSync {
  /** the POST's status: 202 when a job started */
  readonly status: number
  /** the job at its end; null when none started */
  readonly job: SyncJobView | null
  /** the report once done; else the POST's (or the failed job's) JSON */
  readonly body: Record<string, unknown> & { errors: string[] }
}

export async function postSync(target: Requester, path = '/api/sync/transactions', init: RequestInit = {}, pollMs = 20): Promise<FollowedSync> {
  const response = await send(target, path, { method: 'POST', ...init })
  const started = (await response.json()) as Record<string, unknown>
  if (response.status !== 202) return { status: response.status, job: null, body: started as FollowedSync['body'] }
  const headers = new Headers(init.headers)
  for (;;) {
    const job = (await (
      await send(target, String(started.status_url), { headers: { authorization: headers.get('authorization') ?? '' } })
    ).json()) as SyncJobView
    if (job.state !== 'running') return { status: response.status, job, body: (job.report ?? job) as unknown as FollowedSync['body'] }
    await Bun.sleep(pollMs)
  }
}

/** The dashboard's sync panel: follows the fragment's `hx-get` until it stops polling; returns the last HTML. */
export async function followDashboardSync(target: Requester, html: string, pollMs = 20): Promise<string> {
  let current = html
  for (;;) {
    const next = /hx-get="([^"]+)"/.exec(current)?.[1]
    if (!next) return current
    await Bun.sleep(pollMs)
    current = await (await send(target, next.replaceAll('&amp;', '&'), { headers: { 'HX-Request': 'true' } })).text()
  }
}
