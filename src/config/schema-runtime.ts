/** The `runtime` section of the configuration schema (log level, auth, schedule, telemetry) and the metrics it can expose. */
import { z } from 'zod'
import { between, hostName, lowerEnum, nonEmptyString, port, section } from './fields.ts'

export const EXPOSABLE_METRICS = {
  decision: true,
  wmax_usd: true,
  v_ref_usd: false,
  v_t1_usd: false,
  g_usd: false,
  price_t1_usd: false,
  t0_timestamp_seconds: false,
  t1_timestamp_seconds: false,
  residual_usd: false,
  sigma_usd: false,
  k_sigma: false,
  residual_trigger: false,
  withdrawable_usd: true,
  data_age_seconds: true,
  price_usd_by_source: false,
  price_delta_abs: false,
  price_delta_rel: false,
  price_mismatch: false,
  price_compare_unavailable: false,
  rate_usd: true,
  rate_ada: true,
} as const
export type ExposableMetric = keyof typeof EXPOSABLE_METRICS

const exposeShape = Object.fromEntries(Object.entries(EXPOSABLE_METRICS).map(([name, enabled]) => [name, z.boolean().default(enabled)])) as {
  [K in ExposableMetric]: z.ZodDefault<z.ZodBoolean>
}

export const runtimeSection = section({
  log_level: lowerEnum(['debug', 'info', 'warn', 'error'] as const)
    .default('info')
    .describe('log level unless --log-level or LOG_LEVEL is given'),
  public_url: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s]+$/i, 'must be an http:// or https:// URL')
    .transform((url) => url.replace(/\/+$/, ''))
    .nullable()
    .default(null)
    .describe('where users reach the dashboard; notifications link to it'),
  auth: section({
    enabled: z.boolean().default(false),
    username: z.string().min(1).nullable().default(null).describe('Basic auth user (with password_hash)'),
    password_hash: z.string().min(1).nullable().default(null).describe('`sha256:<hex>`, bcrypt `$2…` or argon2 `$argon2…`'),
    user_env: z
      .string()
      .trim()
      .min(1)
      .default('WO_BASIC_AUTH_USER')
      .describe('without username + password_hash: environment variables holding a plaintext user and password'),
    pass_env: z.string().trim().min(1).default('WO_BASIC_AUTH_PASS').describe('see user_env'),
    public_view: lowerEnum(['summary', 'none'] as const)
      .default('summary')
      .describe('with auth on, what a logged-out visitor sees: summary (decisions and reasons, no amount or address) or none (a login page)'),
  }),
  schedule: section({
    // from 3 s: the service tests and the HTTP bench evaluate every few seconds
    interval_minutes: between(0.05, 1440).default(60).describe('minutes between evaluations (the first runs at start)'),
  }),
  telemetry: section({
    enabled: z.boolean().default(true).describe('serve HTTP (metrics, API, dashboard); --no-telemetry overrides'),
    listen_address: nonEmptyString.default('0.0.0.0').describe('HTTP bind address; with auth disabled, only a loopback address allows the sync'),
    listen_port: port.default(9808).describe('HTTP port'),
    allowed_hosts: z
      .array(hostName)
      .max(64, 'must list at most 64 names')
      .default([])
      .describe(
        'host names the server answers to besides IP addresses, localhost and listen_address (e.g. the name behind a reverse proxy); other Host headers get 421',
      ),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be an absolute URL path like /metrics')
      .default('/metrics')
      .describe('Prometheus metrics path (GET and HEAD)'),
    metric_prefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must match [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus metric name)')
      .default('wo_')
      .describe('prefix of every metric name'),
    expose: section(exposeShape).describe('per metric: exported or not (see the metrics table)'),
  }),
})
