/** The `collector` section: positions from Koios balances × Liqwid markets (src/collector/). */
import { z } from 'zod'
import { greaterThan, lowerString, section } from './fields.ts'

/** The collector also reads stake addresses: Koios sums the balances of every address of the account. */
const collectorWallet = z
  .string()
  .trim()
  .regex(
    /^(addr1|addr_test1|stake1|stake_test1)[0-9a-z]+$/,
    'must be a Cardano address (addr1…, addr_test1…) or stake address (stake1…, stake_test1…)',
  )

export const collectorSection = section({
  enabled: z.boolean().default(false).describe('collect positions (Koios balances × Liqwid exchange rates) into the positions tables on schedule'),
  interval_minutes: greaterThan(0).default(5).describe('minutes between samples; timestamps are aligned to this grid (12:00, 12:05, …)'),
  wallets: z
    .array(z.union([collectorWallet, z.strictObject({ address: collectorWallet.optional(), address_env: z.string().trim().min(1).optional() })]))
    .min(1, 'must be a non-empty list when provided')
    .nullable()
    .default(null)
    .describe('addresses to collect (`addr1…` or `stake1…`, or `{address_env: NAME}`); null = the top-level wallets'),
  assets: z.array(lowerString).min(1, 'must be a non-empty list').nullable().default(null).describe('assets to collect; null = domain.assets'),
  koios_token_env: z
    .string()
    .trim()
    .min(1)
    .nullable()
    .default(null)
    .describe('environment variable holding a Koios bearer token (higher limits); null = public tier'),
  timeout_seconds: greaterThan(0).default(20).describe('deadline of one Koios or Liqwid request (one retry on a transport error, 5xx or 429)'),
})
