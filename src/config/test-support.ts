/** What the configuration tests share: the repository root, wallet variables, the round trip of the normalized output. */
import { expect } from 'bun:test'
import { resolve } from 'node:path'
import { type LoadedConfig, loadConfigText } from './load.ts'
import { normalizedConfigJson } from './normalize.ts'

export const ROOT = resolve(import.meta.dir, '../..')
export const WALLET_ENV = {
  LIQWID_MAIN_WALLET_ADDRESS: 'addr1qmainwallet0000000000000000000000000000000000000000main',
  LIQWID_WALLET_OTHER_ADDRESS: 'addr1qotherwallet000000000000000000000000000000000000000other',
}

/** The normalized output loads again and normalizes to the same JSON. */
export function roundTrips(loaded: LoadedConfig, env: Record<string, string>) {
  const json = normalizedConfigJson(loaded)
  const again = loadConfigText(json, env, '(normalized output)')
  expect(normalizedConfigJson(again)).toBe(json)
}
