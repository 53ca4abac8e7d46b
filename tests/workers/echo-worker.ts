/** A worker for the pool's tests: answers `{ text }` with its upper case, fails on 'fail', hangs on 'hang', takes 300 ms on 'slow'. */
import { serveWorkerRequests } from '../../src/worker-pool.ts'

serveWorkerRequests(self as unknown as Worker, async (request: { text: string }) => {
  if (request.text === 'fail') throw new Error('asked to fail')
  if (request.text === 'hang') for (;;) {}
  if (request.text === 'slow') await Bun.sleep(300)
  return { value: request.text.toUpperCase() }
})
