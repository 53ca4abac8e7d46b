/**
 * `alert-orchestrator notify-test [--channel NAME]`: sends a test message to every configured
 * notification channel (or the one named) with the configured deadline and retries, prints one
 * line per channel, and returns 0 when all succeeded, 1 otherwise. Needs no store.
 */
import type { Config } from '../config/resolve.ts'
import { AppError } from '../errors.ts'
import { Notifier } from '../notify/notifier.ts'

export async function runNotifyTest(config: Config, channel: string | null, out: (line: string) => void, now = Date.now()): Promise<number> {
  const names = config.resolved.notification_channels.map((entry) => entry.name)
  if (names.length === 0) throw new AppError('config_invalid', 'no notification channels are configured (notifications.channels)')
  if (channel !== null && !names.includes(channel))
    throw new AppError('usage', `--channel ${channel}: no such channel (configured: ${names.join(', ')})`)
  const notifier = new Notifier(config, { history: null })
  try {
    const results = await notifier.test(channel, now)
    for (const result of results) out(result.ok ? `${result.channel}: ok` : `${result.channel}: FAILED: ${result.error}`)
    return results.every((result) => result.ok) ? 0 : 1
  } finally {
    await notifier.close()
  }
}
