/**
 * The body of `GET /api/decisions`, built once per evaluation and kind of viewer. It is asked far
 * more often than the evaluation changes (each open dashboard, scrapers, scripts), and building it
 * runs every asset's insight (gain attribution over the series, the reasons): per request, on a
 * large store, that cost queued requests behind one another while an evaluation also ran. Only the
 * data age moves with the clock between two evaluations, so it is filled in per request.
 */
import type { Config } from '../config/resolve.ts'
import { dataAge } from '../engine/insight.ts'
import type { EpochMs } from '../engine/types.ts'
import type { LatestEvaluation } from '../evaluation/latest.ts'
import { PerEvaluation } from '../views/per-evaluation.ts'
import { finiteOrNull } from './http.ts'
import { decisionsJson, type Viewer } from './present.ts'

type DecisionsBody = Record<string, Record<string, unknown>>

export class DecisionsBodies {
  readonly #bodies: PerEvaluation<DecisionsBody>

  constructor(
    private readonly config: Config,
    private readonly latest: LatestEvaluation,
  ) {
    this.#bodies = new PerEvaluation(latest)
  }

  /** The JSON text `viewer` gets at `now`. */
  async text(viewer: Viewer, now: EpochMs): Promise<string> {
    const snapshot = this.latest.current
    if (snapshot === null) return '{}'
    const kind = `${viewer.authenticated}|${viewer.seesAmounts}`
    // Non-finite numbers become null once, here: the per-request stringify needs no replacer.
    const body = await this.#bodies.get(snapshot.sequence, kind, async () =>
      JSON.parse(JSON.stringify(decisionsJson(this.config, snapshot, viewer, now), finiteOrNull)),
    )
    for (const entry of snapshot.result.assets) {
      const json = body[entry.asset]
      if (json === undefined) continue
      const age = dataAge(entry.charts.positions.ts, now)
      json.data_age_seconds = age === null ? null : age.ageMs / 1000
      json.data_stale = age?.stale ?? null
    }
    return JSON.stringify(body)
  }
}
