/**
 * The read floor of one evaluation: the exact SELECTs one evaluation sent (recorded by
 * evaluate.ts), replayed through the same driver and settings (PostgresClient: postgres.js, simple
 * protocol, the same type parsers, the same pool size), all at once so only the pool limits
 * concurrency, rows discarded. Nothing is computed: this is the time the driver needs just to
 * bring the rows the evaluation uses into the process.
 *
 * evaluate.ts runs it between its own evaluations (same process, same moment, so a busy machine
 * slows both alike). On its own, for its RSS (Bun + driver only):
 *
 *   bun tests/bench/parts/floor.ts --url postgres://… --statements FILE.json [--runs 7] [--pool 4]
 */

import { parseArgs } from 'node:util'
import { PostgresClient } from '../../../src/store/postgres-client.ts'

export interface RecordedStatement {
  readonly kind: string
  readonly text: string
}

export interface Floor {
  /** one replay of every statement; resolves to the row count */
  replay(): Promise<number>
  close(): Promise<void>
}

export function createFloor(url: string, statements: readonly RecordedStatement[], pool = 4): Floor {
  const client = new PostgresClient({ url, dialect: 'postgres', maxConnections: pool, queryTimeoutMs: 120_000 })
  return {
    replay: async () =>
      (await Promise.all(statements.map((entry) => client.query(entry.kind, entry.text)))).reduce((sum, rows) => sum + rows.length, 0),
    close: () => client.close(),
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      statements: { type: 'string' },
      runs: { type: 'string', default: '7' },
      pool: { type: 'string', default: '4' },
    },
  })
  if (!values.url || !values.statements) throw new Error('usage: bun tests/bench/parts/floor.ts --url … --statements FILE.json [--runs 7] [--pool 4]')
  const statements = (await Bun.file(values.statements).json()) as RecordedStatement[]
  const floor = createFloor(values.url, statements, Number(values.pool) || 4)
  try {
    let rows = await floor.replay() // warm-up: connections, server caches
    const ms: number[] = []
    for (let run = 0; run < Math.max(1, Number(values.runs) || 7); run++) {
      const started = performance.now()
      rows = await floor.replay()
      ms.push(performance.now() - started)
    }
    console.log(JSON.stringify({ ms, rows, statements: statements.length, maxRssKb: process.resourceUsage().maxRSS }))
  } finally {
    await floor.close()
  }
}
