/**
 * HTTP hygiene shared by every route (PRODUCT §3 "HTTP server"): security headers with a CSP that
 * allows no inline script, `405` with `Allow` for a known path and a wrong method, JSON 404s under
 * `/api/`, a request body limit, one access-log line per request, and the single place where a
 * thrown `AppError` becomes an HTTP status.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { secureHeaders } from 'hono/secure-headers'
import { AppError, describeError, type ErrorCode } from '../errors.ts'
import { log } from '../log.ts'
import { AUTH_CHALLENGE } from './auth.ts'

/** Requests carry at most a small JSON document (a sync date range). */
export const MAX_BODY_BYTES = 16 * 1024

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 421 | 429 | 502 | 503 | 504

const STATUS_BY_CODE: Partial<Record<ErrorCode, ErrorStatus>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  throttled: 429,
  conflict: 409,
  unavailable: 503,
  upstream_http: 502,
  upstream_invalid: 502,
  upstream_timeout: 504,
  store_unreachable: 503,
  store_timeout: 504,
  store_query: 502,
}

export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  })

/** One line per request: method, path, status, duration, size. Never headers or bodies. */
export const accessLog = (): MiddlewareHandler => async (c, next) => {
  const started = performance.now()
  await next()
  const fields = {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Math.round((performance.now() - started) * 100) / 100,
    bytes: c.res.headers.get('content-length') ?? undefined,
  }
  if (c.res.status >= 500) log.warn('http request', fields)
  else log.info('http request', fields)
}

export const limitBody = (): MiddlewareHandler =>
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => jsonNoStore(c, { success: false, error: `request body larger than ${MAX_BODY_BYTES} bytes` }, 413),
  })

/** JSON responses are never cached: they describe the latest evaluation. */
export function jsonNoStore(c: Context, body: unknown, status: 200 | 201 | 202 | ErrorStatus | 500 = 200) {
  return jsonTextNoStore(c, JSON.stringify(body, finiteOrNull), status)
}

/** The same for a body already serialized. */
export function jsonTextNoStore(c: Context, text: string, status: 200 | 201 | 202 | ErrorStatus | 500 = 200) {
  return c.body(text, status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
}

/** Non-finite numbers are not JSON: they become null. */
export function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value
}

/** Installs the 405/404 handling and the error translation on a fully routed app. */
/** `page`: an HTML page for an error (the dashboard's login page), null to answer JSON. */
export function installErrorHandling(app: Hono, options: { page?: (error: AppError, c: Context) => Response | null } = {}): void {
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? jsonNoStore(c, { error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404)
      : c.text('not found', 404, { 'Cache-Control': 'no-store' }),
  )
  // The one place a thrown error becomes a response: its code picks the status, its message is
  // the body's `error` (an unexpected error is logged and answered 'internal error').
  app.onError((error, c) => {
    const status = error instanceof AppError ? (STATUS_BY_CODE[error.code] ?? 500) : 500
    if (status === 500) log.error('request failed', { path: c.req.path, error: describeError(error) })
    else if (status > 500) log.warn('request failed', { path: c.req.path, error: describeError(error) })
    // details.challenge false: a 401 that must not pop the browser's prompt (a chart <img>)
    if (status === 401 && !(error instanceof AppError && error.details.challenge === false)) c.header('WWW-Authenticate', AUTH_CHALLENGE)
    if (error instanceof AppError && error.code === 'throttled') c.header('Retry-After', String(error.details.retryAfterSeconds ?? 60))
    const page = error instanceof AppError ? options.page?.(error, c) : null
    if (page) return page
    return jsonNoStore(c, { success: false, error: status === 500 ? 'internal error' : describeError(error) }, status)
  })
}

export const rejectWrongMethod = (app: Hono): MiddlewareHandler =>
  methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) =>
      c.json({ error: `method ${c.req.method} not allowed; use ${methods.join(', ')}` }, 405, {
        Allow: methods.join(', '),
        'Cache-Control': 'no-store',
      }),
  })

/**
 * A POST sent by a page of another origin (a logged-in browser driven by someone else's page).
 * Browsers say so in Sec-Fetch-Site: only `same-origin` and `none` (typed by the user) are the
 * dashboard's own — `same-site` is another port or a sibling subdomain. Older browsers are judged
 * by Origin against the host the client addressed (X-Forwarded-Host behind a proxy, which
 * rewrites Host); a client without either header is not a browser.
 */
export function crossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined) return site !== 'same-origin' && site !== 'none'
  const origin = c.req.header('origin')
  if (origin === undefined) return false
  const addressed = c.req.header('x-forwarded-host') ?? c.req.header('host')
  try {
    return origin === 'null' || new URL(origin).host !== addressed
  } catch {
    return true
  }
}

/** Throws the 403 of a cross-site POST (see `crossSite`). */
export function refuseCrossSite(c: Context): void {
  if (crossSite(c)) throw new AppError('forbidden', 'cross-site request refused')
}
