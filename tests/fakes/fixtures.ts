/**
 * Shared test data: the shipped token registry (spec-data §4.5; `config/token_registry.csv` has
 * the same rows) and deterministic Liqwid-like transaction ids.
 */

export const SHIPPED_TOKEN_REGISTRY_CSV = `asset,policy_id,token_name_hex
djed,8db269c3ec630e06ae29f74bc39edd1f87c819f1056206e879a1cd61,446a65644d6963726f555344
usdm,c48cbb3d5e57ed56e276bc45f99ab39abe94e6cd7ac39fb402da47ad,0014df105553444d
usdt,25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff935,55534454
usdc,25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff935,55534443
usda,fe7c786ab321f41c654ef6c1af7b3250a613c24e4213e0425a7ae456,55534441
iusd,f66d78b4a3cb3d37afa0ec36461e51ecbde00f26c8f0a68f94b69880,69555344
lq,da8c30857834c6ae7203935b89278c532b3995245295456f993e1d24,4c51
iag,5d16cc1a177b5d9ba9cfa9793b07e60f1fb70fea1f8aef064415d114,494147
`

/** token ids (policy + name) of the shipped registry, by asset */
export const SHIPPED_TOKEN_IDS: Readonly<Record<string, string>> = Object.fromEntries(
  SHIPPED_TOKEN_REGISTRY_CSV.trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [asset, policy, name] = line.split(',') as [string, string, string]
      return [asset, policy + name]
    }),
)

/** A 64-hex id, like a Cardano transaction hash, unique per seed. */
export function txHash(seed: string): string {
  return new Bun.CryptoHasher('sha256').update(seed).digest('hex')
}

export const WALLET_A = 'addr1qxa7testwalletaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
export const WALLET_B = 'addr1qxb7testwalletbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
