/**
 * One JSON request to an external API, with a deadline per attempt, explicit retries with
 * exponential backoff, and typed failures. Both upstream clients (Liqwid, Minswap) go through
 * here so "what is retried" is decided in one place:
 *
 * - retried: network errors, attempt timeouts, HTTP 5xx / 408 / 429, and (when the policy says
 *   so) a body that is not valid JSON;
 * - not retried: other 4xx, a non-JSON content type when JSON is required, and cancellation by
 *   the caller's `AbortSignal` (its reason is rethrown as is, like `fetch` does).
 *
 * ofetch runs each attempt with `retry: false`: its own retry loop is skipped for POST by default
 * and, in ofetch 1.5.1, its `timeout` option is silently ignored as soon as a `signal` is passed,
 * so the attempt deadline is an `AbortSignal.timeout` combined with the caller's signal.
 */
import { ofetch, FetchError } from 'ofetch'
import { AppError, describeError } from '../errors.ts'

export interface RetryPolicy {
  /** deadline of one attempt (connect + headers + body) */
  readonly timeoutMs: number
  /** extra attempts after the first one */
  readonly retries: number
  /** delay before retry n (0-based) is `backoffMs × 2^n` */
  readonly backoffMs: number
  /** a 200 whose body is not JSON is retried (Liqwid) or fails at once (Minswap) */
  readonly retryInvalidJson: boolean
  /** the response must declare `application/json`, otherwise fail without retry (Minswap) */
  readonly requireJsonContentType: boolean
}

export interface JsonRequest {
  /** names the upstream in error messages: `liqwid`, `minswap` */
  readonly upstream: string
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly body?: unknown
  readonly query?: Record<string, string>
  readonly headers?: Record<string, string>
}

/** Upstream bodies quoted in error messages stay short; the logger truncates again. */
const BODY_EXCERPT_LENGTH = 200
const RETRYABLE_STATUS = new Set([408, 429])

type Attempt = { readonly body: unknown } | { readonly failure: AppError; readonly retryable: boolean }

export async function requestJson(request: JsonRequest, policy: RetryPolicy, signal?: AbortSignal): Promise<unknown> {
  const attempts = policy.retries + 1
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(request, policy, signal)
    if ('body' in result) return result.body
    if (!result.retryable || attempt >= attempts) {
      const { code, message, cause, details } = result.failure
      throw new AppError(code, attempt > 1 ? `${message} (attempt ${attempt} of ${attempts})` : message, {
        cause,
        details: { ...details, upstream: request.upstream, attempts: attempt },
      })
    }
    await sleep(policy.backoffMs * 2 ** (attempt - 1), signal)
  }
}

async function attemptOnce(request: JsonRequest, policy: RetryPolicy, signal?: AbortSignal): Promise<Attempt> {
  signal?.throwIfAborted()
  const deadline = AbortSignal.timeout(policy.timeoutMs)
  const name = request.upstream
  let response: Response & { _data?: string }
  try {
    response = await ofetch.raw<string, 'text'>(request.url, {
      method: request.method,
      body: request.body as Record<string, unknown> | undefined,
      query: request.query,
      headers: { Accept: 'application/json', ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...request.headers },
      responseType: 'text',
      ignoreResponseError: true,
      retry: false,
      signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    })
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    const cause = error instanceof FetchError && error.cause !== undefined ? error.cause : error
    if (deadline.aborted) {
      return { failure: new AppError('upstream_timeout', `${name}: no answer within ${policy.timeoutMs} ms`, { cause }), retryable: true }
    }
    return { failure: new AppError('upstream_http', `${name}: request failed: ${describeError(cause)}`, { cause }), retryable: true }
  }

  const text = response._data ?? ''
  const status = response.status
  if (status < 200 || status >= 300) {
    const failure = new AppError('upstream_http', `${name}: HTTP ${status}: ${excerpt(text)}`, { details: { status } })
    return { failure, retryable: status >= 500 || RETRYABLE_STATUS.has(status) }
  }
  const contentType = response.headers.get('content-type') ?? ''
  if (policy.requireJsonContentType && !/^application\/json\b/i.test(contentType)) {
    const message = `${name}: expected application/json, got "${contentType || 'no content type'}"`
    return { failure: new AppError('upstream_invalid', message, { details: { status } }), retryable: false }
  }
  try {
    return { body: JSON.parse(text) as unknown }
  } catch (cause) {
    const failure = new AppError('upstream_invalid', `${name}: invalid JSON: ${excerpt(text)}`, { cause, details: { status } })
    return { failure, retryable: policy.retryInvalidJson }
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat === '') return '(empty body)'
  return flat.length > BODY_EXCERPT_LENGTH ? `${flat.slice(0, BODY_EXCERPT_LENGTH)}…` : flat
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve()
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
