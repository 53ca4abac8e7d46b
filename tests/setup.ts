// Preloaded by bun test (bunfig.toml): keep test output readable. LOG_LEVEL=debug shows everything.
import { parseLogLevel, setLogLevel } from '../src/log.ts'

setLogLevel(parseLogLevel(process.env.LOG_LEVEL ?? '') ?? 'warn')

// Tests that start servers, child processes, workers or Chromium need more than bun's 5 s default; the
// preload applies it to plain `bun test` runs too (the Makefile also passes --timeout).
import { setDefaultTimeout } from 'bun:test'

setDefaultTimeout(60_000)
