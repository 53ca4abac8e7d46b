/**
 * Where a Worker's script is. From source it sits beside the module that starts it; in a compiled
 * binary a worker exists only if deploy/build.ts listed it as an entrypoint, under its path
 * relative to src/ in the binary's file system (/$bunfs/root/). Modules of a binary share the
 * entry point's URL (/$bunfs/root/<binary>) — except with bytecode, where `import.meta.url` is
 * the path the module was built from — so the embedded copy is looked for first, whatever the URL.
 */
import { existsSync } from 'node:fs'
import { AppError } from './errors.ts'

const BUNFS_ROOT = 'file:///$bunfs/root/'
/** Only a compiled binary has the embedded file system. */
const BUNFS_ROOT_EXISTS = () => existsSync('/$bunfs/root')

/**
 * @param moduleUrl `import.meta.url` of the module that starts the worker
 * @param besideModule the script relative to that module when running from source (`./worker.ts`)
 * @param inBinary the script relative to src/ in a compiled binary (`charts/worker.js`)
 */
export function workerScriptUrl(moduleUrl: string, besideModule: string, inBinary: string): URL {
  const compiled = moduleUrl.includes('/$bunfs/') || BUNFS_ROOT_EXISTS()
  if (!compiled) return new URL(besideModule, moduleUrl)
  for (const candidate of [`${BUNFS_ROOT}${inBinary}`, `${BUNFS_ROOT}src/${inBinary}`]) {
    const url = new URL(candidate)
    if (existsSync(decodeURIComponent(url.pathname))) return url
  }
  const source = `src/${inBinary.replace(/\.js$/, '.ts')}`
  throw new AppError('internal', `${source} is not embedded in this binary: add it to the build entrypoints (deploy/build.ts)`)
}
