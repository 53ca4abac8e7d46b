/**
 * Where a Worker's script is. From source it sits beside the module that starts it; in a compiled
 * binary every module shares the entry point's URL (/$bunfs/root/<binary>) and a worker exists
 * only if scripts/build.ts listed it as an entrypoint, under its path relative to src/.
 */
import { existsSync } from 'node:fs'
import { AppError } from './errors.ts'

/**
 * @param moduleUrl `import.meta.url` of the module that starts the worker
 * @param besideModule the script relative to that module when running from source (`./worker.ts`)
 * @param inBinary the script relative to src/ in a compiled binary (`charts/worker.js`)
 */
export function workerScriptUrl(moduleUrl: string, besideModule: string, inBinary: string): URL {
  if (!moduleUrl.includes('/$bunfs/')) return new URL(besideModule, moduleUrl)
  for (const candidate of [`./${inBinary}`, `./src/${inBinary}`]) {
    const url = new URL(candidate, moduleUrl)
    if (existsSync(decodeURIComponent(url.pathname))) return url
  }
  const source = `src/${inBinary.replace(/\.js$/, '.ts')}`
  throw new AppError('internal', `${source} is not embedded in this binary: add it to the build entrypoints (scripts/build.ts)`)
}
