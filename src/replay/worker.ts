/**
 * The replay worker's entry point (runner.ts starts it). A compiled binary must list this file as
 * an additional entrypoint of `bun build --compile` (deploy/build.ts), or the worker cannot start.
 */
import { serveWorkerRequests } from '../worker-pool.ts'
import { type ReplayJob, runReplayJob } from './job.ts'

serveWorkerRequests(self as unknown as Worker, async (job: ReplayJob) => ({ value: await runReplayJob(job) }))
