/**
 * The web app of a running service under another configuration's access rules: the same
 * snapshot, metrics and sync service, with the config, authenticator and printed configuration
 * of `tree`. Lets one service answer as many auth set-ups as a test needs without a store each.
 */
import type { Hono } from 'hono'
import { normalizedConfigJson } from '../../../src/config/normalize.ts'
import { createWebApp } from '../../../src/web/app.ts'
import { createAuthenticator } from '../../../src/web/auth.ts'
import { loadTestConfig, type ConfigTree } from './config.ts'
import type { ServiceHarness } from './services.ts'

export function appWithConfig(harness: ServiceHarness, tree: ConfigTree, env: Record<string, string> = {}): Hono {
  const loaded = loadTestConfig(tree, env)
  const auth = createAuthenticator(loaded.config.resolved.auth)
  const web = harness.services.web
  return createWebApp({
    ...web,
    config: loaded.config,
    auth,
    normalizedConfigJson: normalizedConfigJson(loaded),
    dashboard: { ...web.dashboard, config: loaded.config, authEnabled: auth.enabled },
  })
}
