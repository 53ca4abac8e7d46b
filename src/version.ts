/**
 * Version and commit of this build. `deploy/build.ts` bakes both into the compiled binary with
 * `define`; when running from source the version comes from package.json and the commit from git.
 */
import packageJson from '../package.json' with { type: 'json' }

declare const BUILD_VERSION: string | undefined
declare const BUILD_COMMIT: string | undefined

export const VERSION: string = typeof BUILD_VERSION === 'string' ? BUILD_VERSION : packageJson.version

function sourceCommit(): string {
  try {
    const result = Bun.spawnSync(['git', 'rev-parse', '--short=12', 'HEAD'], { cwd: import.meta.dir, stderr: 'ignore' })
    const text = result.stdout.toString().trim()
    return result.success && text ? `${text}-dev` : 'unknown'
  } catch {
    return 'unknown'
  }
}

let commit: string | undefined
export function buildCommit(): string {
  commit ??= typeof BUILD_COMMIT === 'string' ? BUILD_COMMIT : sourceCommit()
  return commit
}
