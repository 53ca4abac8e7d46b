/**
 * The one place that maps display names to table symbols (spec-data §5.2): Liqwid lists the
 * bridged stablecoins under wrapped names, so `usdc` is stored in `…_wanusdc` tables, Minswap's
 * price tables use the same suffix, and Liqwid's API names the market `USDC` or `WANUSDC`.
 * Everything else keeps its display name.
 */
const WRAPPED: Readonly<Record<string, string>> = { usdc: 'wanusdc', usdt: 'wanusdt' }

/** Display names compare trimmed and lower-cased. */
export function displayKey(name: string): string {
  return name.trim().toLowerCase()
}

/** `usdc` → `wanusdc`; null for a name without a wrapped form. */
export function wrappedSymbol(name: string): string | null {
  return WRAPPED[displayKey(name)] ?? null
}

/** The table symbol a display name maps to without asking the store: the wrapped name, else itself. */
export function builtInSymbol(name: string): string {
  return wrappedSymbol(name) ?? displayKey(name)
}

/** `usdc` → [`USDC`, `WANUSDC`]: the market names Liqwid may list an asset under. */
export function liqwidMarketNames(name: string): string[] {
  const wrapped = wrappedSymbol(name)
  return wrapped === null ? [displayKey(name).toUpperCase()] : [displayKey(name).toUpperCase(), wrapped.toUpperCase()]
}
