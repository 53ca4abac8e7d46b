/**
 * The client of external databases: postgres.js over the PostgreSQL wire protocol, the same for
 * GreptimeDB (port 4003) and PostgreSQL.
 *
 * Settings GreptimeDB tolerates (spec-data §8): no prepared statements, no type fetch, every
 * statement a parameterless `unsafe(text)` (simple query protocol), session time zone UTC.
 * postgres.js has no query timeout, so each statement races its own deadline; a statement that
 * misses it may have wedged its connection, so the whole pool is dropped and rebuilt lazily.
 * Reads retry with backoff on connection-level failures only; SQL errors and deadlines never do,
 * and statements not marked idempotent (inserts) are never retried.
 */

import postgres from 'postgres'
import { AppError, describeError } from '../errors.ts'
import type { EpochMs } from '../engine/types.ts'
import type { QueryOptions, Row, StoreClient } from './client.ts'
import { type Dialect, timeZoneStatement, versionStatement } from './sql.ts'

/** The external dialects; `auto` asks the server (`SELECT version()`). */
export type DialectSetting = Exclude<Dialect, 'sqlite'> | 'auto'

export interface RetryPolicy {
  /** total attempts, the first included */
  readonly attempts: number
  readonly firstDelayMs: number
  readonly maxDelayMs: number
}

export interface PostgresClientOptions {
  /** `postgres://user[:password]@host:port/database` */
  readonly url: string
  readonly dialect?: DialectSetting
  readonly connectTimeoutMs?: number
  readonly queryTimeoutMs?: number
  readonly maxConnections?: number
  readonly retry?: RetryPolicy
}

/** What GreptimeDB's `SELECT timezone()` answers for a UTC session. */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'z', '+00:00', '+0000', '00:00', 'gmt'])

/** 3 attempts, waiting 200 ms then 800 ms: rides out a restart without stalling an evaluation. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, firstDelayMs: 200, maxDelayMs: 800 }
const RETRY_GROWTH = 4
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
const DEFAULT_QUERY_TIMEOUT_MS = 10_000
const DEFAULT_MAX_CONNECTIONS = 4
/** Driver error codes (Node socket errors and postgres.js' own) that mean "the link failed". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
])
/** SQLSTATEs of a server that is shutting down or not yet accepting queries. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03'])
const STATEMENT_EXCERPT = 300

class Deadline extends Error {}

export class PostgresClient implements StoreClient {
  /** `host:port/database`, for messages (never the credentials) */
  readonly target: string
  private readonly url: string
  private readonly dialectSetting: DialectSetting
  private readonly connectTimeoutMs: number
  private readonly queryTimeoutMs: number
  private readonly maxConnections: number
  private readonly retryPolicy: RetryPolicy
  private pool: postgres.Sql | null = null
  private detected: Promise<Dialect> | null = null
  private closed = false

  constructor(options: PostgresClientOptions) {
    this.url = options.url
    this.target = describeTarget(options.url)
    this.dialectSetting = options.dialect ?? 'auto'
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    this.retryPolicy = options.retry ?? DEFAULT_RETRY
  }

  /**
   * The configured dialect, or the one `SELECT version()` reveals — a detection that fails is a
   * `config_invalid` error, never a guess (PostgreSQL DDL on GreptimeDB would lose rows). On
   * GreptimeDB the session time zone is then checked to be UTC. Once per client; every
   * statement waits for it, so a misconfigured store fails before its first read or write.
   */
  dialect(): Promise<Dialect> {
    this.detected ??= this.openSession().catch((error: unknown) => {
      this.detected = null
      throw error
    })
    return this.detected
  }

  /** Runs one statement; `kind` names it in errors (e.g. `assetAggregate liqwid_supply_positions_djed`). */
  async query(kind: string, text: string, options: QueryOptions = {}): Promise<Row[]> {
    try {
      await this.dialect()
    } catch (error) {
      // A misconfigured store stops here; an unreachable one fails below with the statement's own name.
      if (error instanceof AppError && error.code === 'config_invalid') throw error
    }
    return this.send(kind, text, options)
  }

  private async send(kind: string, text: string, options: QueryOptions): Promise<Row[]> {
    const attempts = options.retry ? Math.max(1, this.retryPolicy.attempts) : 1
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(this.connection(), text)
      } catch (error) {
        const retryable = !this.closed && !(error instanceof Deadline) && isConnectionFailure(error)
        if (!retryable || attempt >= attempts) throw this.toAppError(kind, text, error, attempt)
        await Bun.sleep(Math.min(this.retryPolicy.maxDelayMs, this.retryPolicy.firstDelayMs * RETRY_GROWTH ** (attempt - 1)))
      }
    }
  }

  /**
   * `work` on one connection inside BEGIN … COMMIT (ROLLBACK when it throws), nothing retried.
   * GreptimeDB has no transactions: there `work` runs on this client, statement by statement.
   */
  async transaction<T>(work: (client: StoreClient) => Promise<T>): Promise<T> {
    if ((await this.dialect()) === 'greptime') return work(this)
    try {
      return (await this.connection().begin((session) => work(this.boundTo(session)))) as T
    } catch (error) {
      // What `work` threw passes as is; BEGIN, COMMIT and the connection fail as store errors.
      const fromDriver = !(error instanceof AppError) && (isPostgresError(error) || isConnectionFailure(error))
      throw fromDriver ? this.toAppError('transaction', 'BEGIN … COMMIT', error, 1) : error
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const pool = this.pool
    this.pool = null
    await pool?.end({ timeout: 1 })
  }

  /**
   * A client whose statements run on one transaction's connection, one at a time. A failed
   * statement aborts a PostgreSQL transaction, so reads and idempotent DDL (`retry`) run under a
   * savepoint: a read of a missing table answers "no data" as it does outside a transaction.
   */
  private boundTo(session: postgres.TransactionSql): StoreClient {
    let previous: Promise<unknown> = Promise.resolve()
    const run = async (kind: string, text: string, guarded: boolean): Promise<Row[]> => {
      try {
        // postgres.js fails the whole transaction on any failed statement outside a savepoint scope.
        return guarded ? ((await session.savepoint((inner) => this.runOnce(inner, text))) as Row[]) : await this.runOnce(session, text)
      } catch (error) {
        throw this.toAppError(kind, text, error, 1)
      }
    }
    const bound: StoreClient = {
      target: this.target,
      dialect: () => this.dialect(),
      query: (kind, text, options = {}) => {
        const result = previous.then(() => run(kind, text, options.retry === true))
        previous = result.catch(() => {})
        return result
      },
      transaction: (work) => work(bound),
      close: async () => {},
    }
    return bound
  }

  private async openSession(): Promise<Dialect> {
    const dialect = this.dialectSetting === 'auto' ? await this.detectDialect() : this.dialectSetting
    if (dialect === 'greptime') await this.checkUtcSession()
    return dialect
  }

  private async detectDialect(): Promise<Dialect> {
    const advice = 'set data.databases.greptime.dialect to greptime or postgres'
    let version: string
    try {
      const rows = await this.send('detect dialect', versionStatement('postgres'), { retry: true })
      version = String(rows[0]?.version ?? '')
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'store_query')) throw error
      throw new AppError(
        'config_invalid',
        `dialect: auto could not tell the store's kind: SELECT version() failed on ${this.target} (${error.message}); ${advice}`,
        { cause: error },
      )
    }
    const dialect = dialectFromVersion(version)
    if (dialect === null) {
      throw new AppError(
        'config_invalid',
        `dialect: auto does not recognise ${this.target}'s version "${version.slice(0, 80)}" as GreptimeDB or PostgreSQL; ${advice}`,
      )
    }
    return dialect
  }

  /**
   * GreptimeDB before 1.0 ignores the `TimeZone` startup parameter, so a server whose default
   * time zone is not UTC would read and write every naive timestamp shifted.
   */
  private async checkUtcSession(): Promise<void> {
    const rows = await this.send('check time zone', timeZoneStatement(), { retry: true })
    const zone = String(Object.values(rows[0] ?? {})[0] ?? '').trim()
    if (!UTC_NAMES.has(zone.toLowerCase())) {
      throw new AppError(
        'config_invalid',
        `GreptimeDB at ${this.target} runs its session in time zone "${zone || '(none)'}", not UTC: timestamps would shift; set default_timezone = "UTC" in GreptimeDB's configuration`,
        { details: { target: this.target, timeZone: zone } },
      )
    }
  }

  private connection(): postgres.Sql {
    if (this.closed) throw new AppError('store_unreachable', `the store client for ${this.target} is closed`)
    this.pool ??= postgres(this.url, {
      prepare: false,
      fetch_types: false,
      max: this.maxConnections,
      connect_timeout: this.connectTimeoutMs / 1000,
      idle_timeout: 60,
      connection: { TimeZone: 'UTC', application_name: 'alert-orchestrator' },
      types: TYPE_PARSERS,
      // "relation already exists, skipping" and friends are expected, not news.
      onnotice: () => {},
    })
    return this.pool
  }

  private async runOnce(sql: postgres.Sql | postgres.TransactionSql, text: string): Promise<Row[]> {
    const pending = sql.unsafe(text)
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Deadline()), this.queryTimeoutMs)
    })
    try {
      return (await Promise.race([pending, deadline])) as unknown as Row[]
    } catch (error) {
      if (error instanceof Deadline) {
        // Ask the server to stop the statement too (PostgreSQL honours it; others may not).
        Promise.resolve(pending.cancel()).catch(() => {})
        if (this.pool === sql) this.discard(this.pool)
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /** Drops a pool whose connection may be stuck mid-statement; the next query builds a new one. */
  private discard(pool: postgres.Sql): void {
    if (this.pool === pool) this.pool = null
    pool.end({ timeout: 0 }).catch(() => {})
  }

  private toAppError(kind: string, text: string, error: unknown, attempts: number): AppError {
    const details = { kind, target: this.target, attempts, statement: text.slice(0, STATEMENT_EXCERPT) }
    if (error instanceof AppError) return error
    if (error instanceof Deadline) {
      return new AppError('store_timeout', `${kind} timed out after ${this.queryTimeoutMs} ms (${this.target})`, { details })
    }
    const code = errorCode(error)
    const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
    if (code === 'CONNECT_TIMEOUT') {
      return new AppError('store_timeout', `${kind}: connecting to ${this.target} timed out after ${this.connectTimeoutMs} ms${tries}`, {
        cause: error,
        details,
      })
    }
    if (isConnectionFailure(error)) {
      return new AppError('store_unreachable', `${kind}: cannot reach ${this.target} (${code})${tries}`, { cause: error, details })
    }
    const sqlstate = isPostgresError(error) ? error.code : null
    if (sqlstate !== null && (sqlstate.startsWith('28') || sqlstate === '3D000')) {
      return new AppError('store_unreachable', `${kind}: ${this.target} refused the session: ${describeError(error)} [SQLSTATE ${sqlstate}]`, {
        cause: error,
        details: { ...details, sqlstate },
      })
    }
    const suffix = sqlstate === null ? '' : ` [SQLSTATE ${sqlstate}]`
    return new AppError('store_query', `${kind} failed: ${describeError(error)}${suffix}`, { cause: error, details: { ...details, sqlstate } })
  }
}

/** null when the version names neither (then `dialect: auto` cannot decide). */
export function dialectFromVersion(version: string): Exclude<Dialect, 'sqlite'> | null {
  if (/greptime/i.test(version)) return 'greptime'
  return /postgres/i.test(version) ? 'postgres' : null
}

interface PostgresLikeError {
  readonly code: string
  readonly severity?: string
}

/** A server error (it carries a SQLSTATE); by class, not by name, so minified builds agree. */
function isPostgresError(error: unknown): error is PostgresLikeError {
  return error instanceof postgres.PostgresError && typeof (error as { code?: unknown }).code === 'string'
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'unknown'
}

function isConnectionFailure(error: unknown): boolean {
  const code = errorCode(error)
  if (isPostgresError(error)) return code.startsWith('08') || CONNECTION_SQLSTATES.has(code)
  return CONNECTION_CODES.has(code)
}

function describeTarget(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AppError('config_invalid', 'the database URL is not a valid postgres:// URL')
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new AppError('config_invalid', `the database URL must start with postgres:// (got ${parsed.protocol}//)`)
  }
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname || '/'}`
}

const TIMESTAMP_TEXT = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff][+zz[:mm[:ss]]]` as epoch ms. Text without an offset is UTC (the
 * session time zone), whatever the process TZ: V8's `new Date(text)` would read it as local time.
 * Sub-millisecond digits are truncated; unparseable text (BC dates) gives NaN.
 */
export function parseTimestampMs(text: string): EpochMs {
  return plainTimestampMs(text) ?? parseTimestampText(text)
}

const ZERO = 48

/** The digits of `text` from `start` to `end` as a number; -1 when one is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

/**
 * The driver parses every timestamp cell of a result in one synchronous stretch, so on a large
 * store the parse shows in the HTTP tail while an evaluation reads: what a `timestamp` column
 * sends in a UTC session (`2025-11-03 15:00:00[.123456]`, a year from 100) is read by character
 * codes, anything else by the general pattern below. null: not that shape.
 */
function plainTimestampMs(text: string): EpochMs | null {
  const length = text.length
  if (length < 19 || length > 26 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return null
  if (length > 19 && (length === 20 || text[19] !== '.')) return null
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 7)
  const day = digits(text, 8, 10)
  const hour = digits(text, 11, 13)
  const minute = digits(text, 14, 16)
  const second = digits(text, 17, 19)
  const fraction = length > 20 ? digits(text, 20, Math.min(length, 23)) : 0
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) return null
  if (length > 23 && digits(text, 23, length) < 0) return null
  // ".5" is 500 ms, ".12" 120 ms
  const millis = length >= 23 ? fraction : fraction * 10 ** (23 - length)
  return Date.UTC(year, month - 1, day, hour, minute, second, millis)
}

function parseTimestampText(text: string): EpochMs {
  if (text === 'infinity') return Number.POSITIVE_INFINITY
  if (text === '-infinity') return Number.NEGATIVE_INFINITY
  const match = TIMESTAMP_TEXT.exec(text)
  if (match === null) return Number.NaN
  const [, year, month, day, hour, minute, second, fraction = '', sign, offsetHours = '0', offsetMinutes = '0', offsetSeconds = '0'] = match
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3))
  let ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), millis)
  if (Number(year) < 100) ms = new Date(ms).setUTCFullYear(Number(year))
  if (sign !== undefined) {
    const offset = ((Number(offsetHours) * 60 + Number(offsetMinutes)) * 60 + Number(offsetSeconds)) * 1000
    ms += sign === '+' ? -offset : offset
  }
  return ms
}

/** Parameters are never sent, so the serializers only satisfy the driver's type shape. */
const TYPE_PARSERS = {
  epochMs: { to: 1114, from: [1114, 1184], serialize: (value: unknown) => String(value), parse: parseTimestampMs },
  number: { to: 20, from: [20, 1700], serialize: (value: unknown) => String(value), parse: (text: string) => Number(text) },
}
