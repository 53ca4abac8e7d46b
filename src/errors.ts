/**
 * The one typed error of the application. Modules throw `AppError` with a code that says what
 * kind of failure it is; only the edges translate codes: `main.ts` into exit codes, the web
 * layer into HTTP statuses, the evaluation into an asset's ERROR reason.
 */

export type ErrorCode =
  /** the configuration file is missing, not YAML, or fails validation */
  | 'config_invalid'
  /** a command-line argument is unknown or malformed */
  | 'usage'
  /** the database cannot be reached (connect refused, DNS, TLS) */
  | 'store_unreachable'
  /** a database call did not answer before its deadline */
  | 'store_timeout'
  /** the database answered with an error (bad SQL, permission, missing column) */
  | 'store_query'
  /** the embedded store's directory is locked by another process */
  | 'store_locked'
  /** an identifier (table prefix, asset symbol) is not safe to put in SQL */
  | 'invalid_identifier'
  /** an external HTTP API failed (status, transport) */
  | 'upstream_http'
  /** an external HTTP API did not answer before its deadline */
  | 'upstream_timeout'
  /** an external API answered something we cannot use (bad JSON, wrong shape, GraphQL errors) */
  | 'upstream_invalid'
  /** an external API's price is older than the configured maximum age */
  | 'price_stale'
  /** a client request is malformed */
  | 'bad_request'
  /** a request lacks valid credentials */
  | 'unauthorized'
  /** a state-changing request while auth is disabled on a public address */
  | 'forbidden'
  /** a client past its failed-login budget (web/throttle.ts); details.retryAfterSeconds */
  | 'throttled'
  /** the operation is already running (transaction sync) */
  | 'conflict'
  /** the feature is not configured (transaction sync without a Liqwid endpoint) */
  | 'unavailable'
  /** a programming error surfaced at runtime */
  | 'internal'

export class AppError extends Error {
  override readonly name = 'AppError'
  readonly code: ErrorCode
  readonly details: Record<string, unknown>

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details ?? {}
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code)
}

/** A short, single-line description of any thrown value, for logs and ERROR reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] || error.name
  return String(error)
}
