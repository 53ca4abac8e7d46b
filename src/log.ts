/**
 * Leveled logging: one line per event on stderr, `key=value` pairs after a fixed prefix:
 *
 *   2026-11-27T06:55:04.123Z level=info msg="evaluation finished" assets=4 duration_ms=412
 *
 * Values are quoted when they contain spaces or quotes, and long text (error messages from a
 * database or an API) is truncated so one misbehaving dependency cannot flood the journal.
 * Secrets never reach this module: callers log names and counts, never credentials.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
/** Error texts from drivers can be kilobytes of SQL; a log line stays readable below this. */
const MAX_VALUE_LENGTH = 500

export type LogFields = Record<string, unknown>
type Sink = (line: string) => void

let threshold: LogLevel = 'info'
let sink: Sink = (line) => process.stderr.write(`${line}\n`)

export function setLogLevel(level: LogLevel): void {
  threshold = level
}

export function getLogLevel(): LogLevel {
  return threshold
}

/** Tests capture lines instead of writing to stderr; returns the function that restores stderr. */
export function captureLogs(capture: Sink): () => void {
  const previous = sink
  sink = capture
  return () => {
    sink = previous
  }
}

export function parseLogLevel(text: string): LogLevel | null {
  const lowered = text.trim().toLowerCase()
  const aliases: Record<string, LogLevel> = { warning: 'warn', critical: 'error' }
  const level = aliases[lowered] ?? lowered
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : null
}

function formatValue(value: unknown): string {
  let text: string
  if (value instanceof Error) text = value.message
  else if (typeof value === 'string') text = value
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value)
  else if (value === undefined) text = 'undefined'
  else text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
  if (text.length > MAX_VALUE_LENGTH) text = `${text.slice(0, MAX_VALUE_LENGTH)}…`
  return /^[\w.:/@+-]+$/.test(text) ? text : JSON.stringify(text)
}

export function formatLine(level: LogLevel, msg: string, fields: LogFields = {}, now = new Date()): string {
  const parts = [now.toISOString(), `level=${level}`, `msg=${formatValue(msg)}`]
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) parts.push(`${key}=${formatValue(value)}`)
  return parts.join(' ')
}

function emit(level: LogLevel, msg: string, fields?: LogFields): void {
  if (LEVEL_RANK[level] < LEVEL_RANK[threshold]) return
  sink(formatLine(level, msg, fields))
}

export const log = {
  debug: (msg: string, fields?: LogFields) => emit('debug', msg, fields),
  info: (msg: string, fields?: LogFields) => emit('info', msg, fields),
  warn: (msg: string, fields?: LogFields) => emit('warn', msg, fields),
  error: (msg: string, fields?: LogFields) => emit('error', msg, fields),
}
