/**
 * Which table holds what: `<prefix><symbol>` per asset and kind (spec-data §1.3), the Minswap
 * tables in their own namespace, and the `test_` twin every write goes to under `--test-prefix`.
 * All names are validated once here, so a bad prefix fails at start-up, not mid-evaluation.
 */

import { identifier } from './sql.ts'
import type { TableKind, TableRef } from './types.ts'

export interface TableNamesOptions {
  positionsPrefix?: string
  depositsPrefix?: string
  withdrawalsPrefix?: string
  /** GreptimeDB database = PostgreSQL schema holding the Minswap price tables */
  minswapNamespace?: string
  minswapPrefix?: string
}

export const DEFAULT_TABLE_NAMES: Required<TableNamesOptions> = {
  positionsPrefix: 'liqwid_supply_positions_',
  depositsPrefix: 'liqwid_deposits_',
  withdrawalsPrefix: 'liqwid_withdrawals_',
  minswapNamespace: 'minswap',
  minswapPrefix: 'minswap_prices_',
}

const TEST_PREFIX = 'test_'

/** Display names and table suffixes compare trimmed and lower-cased (spec-data §1.3). */
export function normalizeSymbol(symbol: string): string {
  return identifier(String(symbol).trim().toLowerCase(), 'asset symbol')
}

export class TableNames {
  private readonly prefixes: Record<TableKind, string>
  readonly minswapNamespace: string

  constructor(options: TableNamesOptions = {}) {
    const names = { ...DEFAULT_TABLE_NAMES, ...stripUndefined(options) }
    this.prefixes = {
      positions: identifier(names.positionsPrefix, 'positions table prefix'),
      deposits: identifier(names.depositsPrefix, 'deposits table prefix'),
      withdrawals: identifier(names.withdrawalsPrefix, 'withdrawals table prefix'),
      minswap: identifier(names.minswapPrefix, 'minswap table prefix'),
    }
    this.minswapNamespace = identifier(names.minswapNamespace, 'minswap namespace')
  }

  prefix(kind: TableKind): string {
    return this.prefixes[kind]
  }

  namespace(kind: TableKind): string | null {
    return kind === 'minswap' ? this.minswapNamespace : null
  }

  /** The table of `kind` for `symbol`; `test` gives its `test_` twin in the same namespace. */
  table(kind: TableKind, symbol: string, test = false): TableRef {
    const name = `${test ? TEST_PREFIX : ''}${this.prefixes[kind]}${normalizeSymbol(symbol)}`
    return { namespace: this.namespace(kind), name: identifier(name, 'table name') }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
