/**
 * Which configuration the process runs on: `--config PATH` or `CONFIG_PATH` when given (a missing
 * file is then an error), else `config/orchestrator_config.yaml` when it exists, else the same
 * shipped file embedded in the binary — so a binary copied alone into an empty directory runs
 * the demo without any file next to it.
 */
import { existsSync } from 'node:fs'
import shippedConfigText from '../../config/orchestrator_config.yaml' with { type: 'text' }
import type { Environment } from './env.ts'
import { loadConfigFile, loadConfigText, type LoadedConfig } from './load.ts'

export const EMBEDDED_CONFIG_LABEL = 'built-in config/orchestrator_config.yaml'

export function loadConfiguration(options: { configPath: string; configPathExplicit: boolean }, env: Environment): LoadedConfig {
  if (options.configPathExplicit || existsSync(options.configPath)) return loadConfigFile(options.configPath, env)
  return loadConfigText(shippedConfigText, env, EMBEDDED_CONFIG_LABEL)
}
