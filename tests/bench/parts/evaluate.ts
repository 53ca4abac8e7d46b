/**
 * Benchmark child: the `--once` evaluation, in-process and warm, the way the daemon runs it.
 *
 *   bun tests/bench/parts/evaluate.ts --config PATH [--demo] [--runs 7] [--floor-url postgres://…] [--statements OUT.json]
 *
 * `startServices` + `runEvaluation` — the same cycle `--once` and the scheduler run: every asset,
 * every wallet, the gate, the price comparison, metrics update; no charts (charts render only when
 * the dashboard asks). One warm-up evaluation, then --runs timed ones. The statements one
 * evaluation sends to the store are recorded (by wrapping the client's single query method) and
 * written to --statements. With --floor-url, each timed evaluation is followed by a replay of
 * those statements through a client of its own (floor.ts): evaluation and floor are measured in
 * pairs, at the same moment, so the ratio survives a busy machine. Prints one JSON line; peak RSS
 * is this process's own (the replayed rows are a few thousand: they barely add to it).
 */

import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfigFile } from '../../../src/config/load.ts'
import { setLogLevel } from '../../../src/log.ts'
import { startServices } from '../../../src/services.ts'
import { createFloor, type Floor } from './floor.ts'

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    demo: { type: 'boolean', default: false },
    runs: { type: 'string', default: '7' },
    statements: { type: 'string' },
    'floor-url': { type: 'string' },
  },
})
if (!values.config) throw new Error('usage: bun tests/bench/parts/evaluate.ts --config PATH [--demo] [--runs 7] [--statements OUT.json]')
const runs = Math.max(1, Number(values.runs) || 7)

setLogLevel('warn')
const loaded = loadConfigFile(values.config, process.env)
const services = await startServices(loaded, { demo: values.demo!, testPrefix: false })

const client = services.store.client
const query = client.query.bind(client)
let recording: { kind: string; text: string }[] | null = null
client.query = (kind, text, options) => {
  recording?.push({ kind, text })
  return query(kind, text, options)
}

async function evaluateOnce() {
  const started = performance.now()
  const result = await services.runEvaluation()
  const wallMs = performance.now() - started
  if (result === null) throw new Error('the evaluation failed (see the log above)')
  if (result.hasErrors)
    throw new Error(
      `an asset evaluated to ERROR: ${result.assets
        .filter((a) => a.decision.decision === -1)
        .map((a) => `${a.asset}: ${a.decision.reason}`)
        .join('; ')}`,
    )
  return {
    wallMs,
    evaluateMs: result.durationMs,
    engineMs: result.assets.reduce((sum, entry) => sum + entry.timings.engineMs, 0),
    fetchMaxMs: Math.max(...result.assets.map((entry) => entry.timings.fetchMs)),
    decisions: result.assets.map((entry) => `${entry.asset}=${entry.decision.decision}`).join(' '),
    wallets: result.assets.reduce((sum, entry) => sum + entry.decision.wallets.length, 0),
  }
}

try {
  await evaluateOnce() // warm-up: connections, symbol resolution, JIT
  recording = []
  await evaluateOnce()
  const statements = recording.filter((entry) => /^\s*(SELECT|WITH)\b/i.test(entry.text))
  recording = null
  if (values.statements) writeFileSync(values.statements, JSON.stringify(statements))
  const floor: Floor | null = values['floor-url']
    ? createFloor(values['floor-url'], statements, loaded.config.data.databases.greptime?.max_connections ?? 4)
    : null
  let floorRows = (await floor?.replay()) ?? 0 // warm-up of its connections
  const samples = []
  for (let run = 0; run < runs; run++) {
    const evaluation = await evaluateOnce()
    const started = performance.now()
    if (floor) floorRows = await floor.replay()
    samples.push({ ...evaluation, floorMs: floor ? performance.now() - started : null })
  }
  await floor?.close()
  console.log(JSON.stringify({ samples, statements: statements.length, floorRows, maxRssKb: process.resourceUsage().maxRSS }))
} finally {
  await services.close()
}
