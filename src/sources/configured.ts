/**
 * The price sources a configuration names: the store's cached prices (the greptime providers,
 * read through the evaluation's reader) and the live APIs. Without a Liqwid client and a token
 * registry the live providers are disabled: `storePriceSources` is what an evaluation of the past
 * uses (`--once --now`, replay), where a live price would be a look-ahead.
 */
import type { Config } from '../config/resolve.ts'
import type { EvaluationReader } from '../evaluation/reader.ts'
import { assetSymbol } from '../evaluation/symbols.ts'
import type { LiqwidClient } from './liqwid.ts'
import { createMinswapClient } from './minswap.ts'
import { createPriceSources, type PriceSources } from './prices.ts'
import type { TokenRegistry } from './registry.ts'

/** The price sources of the configuration: the store's cached prices (greptime providers) and the live APIs. */
export function configuredPriceSources(
  config: Config,
  reader: EvaluationReader,
  registry: TokenRegistry | null,
  liqwid: LiqwidClient | null,
): PriceSources {
  const symbolOf = (asset: string) => assetSymbol(config, reader, asset)
  const compareSources = config.resolved.price_compare_sources
  const endpoints = config.prices.endpoints
  const compare = config.analysis.price_compare
  return createPriceSources({
    sources: [...new Set([...config.prices.sources, ...compareSources])],
    priorityByLogical: config.prices.priority_by_logical,
    greptime: {
      liqwid: async (asset) => (await reader.latestPrice('greptime(liqwid)', await symbolOf(asset)))?.priceUsd ?? null,
      minswap: async (asset) => (await reader.latestPrice('greptime(minswap)', await symbolOf(asset)))?.priceUsd ?? null,
    },
    liqwid,
    minswap: endpoints.minswap_aggregator
      ? {
          client: createMinswapClient({
            baseUrl: endpoints.minswap_aggregator,
            requestTimeoutSeconds: compare.request_timeout_seconds,
            retries: compare.retries,
            currency: config.settings.currency,
          }),
          registry,
        }
      : null,
  })
}

/** Store prices only: what an evaluation as of a past instant may use. */
export function storePriceSources(config: Config, reader: EvaluationReader): PriceSources {
  // Without a token registry the Minswap provider is disabled, without a client the Liqwid one.
  return configuredPriceSources(config, reader, null, null)
}
