/**
 * The table symbol of a configured asset: `domain.symbols` when set, else the store's resolution
 * of the display name (which knows the wrapped names and checks the table exists). Used by the
 * evaluation and by the store-backed price providers alike.
 */
import type { Config } from '../config/resolve.ts'
import type { EvaluationReader } from './reader.ts'

export async function assetSymbol(config: Config, reader: EvaluationReader, asset: string): Promise<string> {
  const resolved = config.resolved.assets[asset]
  if (resolved?.symbol_source === 'domain.symbols') return resolved.symbol
  return (await reader.resolveSymbol(asset)).symbol
}
