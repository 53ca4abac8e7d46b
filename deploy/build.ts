/**
 * Compiles the single-file executables (PRODUCT §1):
 *
 *   bun deploy/build.ts [--target x64|arm64]... [--outdir dist]
 *
 * → dist/alert-orchestrator-linux-x64 and dist/alert-orchestrator-linux-arm64 (both by default).
 *
 * What goes in, and why:
 * - entrypoints src/main.ts, src/charts/worker.ts and src/replay/worker.ts: the chart renderer and
 *   the dashboard's replay start a Worker, which in a compiled binary only exists when it is an
 *   entrypoint of its own (src/worker-url.ts). Their common directory is src/, so the workers land
 *   at /$bunfs/root/charts/worker.js and /$bunfs/root/replay/worker.js.
 * - the embedded store is bun:sqlite, part of the Bun runtime: nothing to embed for it.
 * - everything else the binary needs (resvg's wasm, the fonts, htmx, the
 *   stylesheet, the shipped config and token registry) is imported `with { type: 'file' | 'text' }`
 *   by the modules that use it, so the bundler embeds it; nothing is read from the repository.
 * - BUILD_VERSION (package.json) and BUILD_COMMIT (git, `-dirty` when the tree has changes) are
 *   defined here and read by src/version.ts.
 * - autoloadDotenv/autoloadBunfig off: a daemon must not change behaviour because of a `.env` or
 *   a `bunfig.toml` in whatever directory it happens to start in.
 * - minified (whitespace, syntax) but identifiers are NOT renamed: postgres' PostgresError sets
 *   `name` from `this.constructor.name`, which src/store/client.ts tests to tell "missing table"
 *   from other failures, and Bun 1.4.5's `keepNames` does not keep class names (checked: the
 *   minified binary's `--once --demo` then dies on the first missing demo table).
 * - bytecode: JavaScriptCore bytecode compiled at build time and embedded next to the source, so a
 *   start skips parsing the bundle (measured on the demo's second `--once`: ~0.22 s → ~0.15 s CPU,
 *   for ~7 MB more binary).
 * - linked source maps: Bun embeds them in the executable (a stack trace names src/… files and
 *   lines even for a binary copied alone); the side files it also writes are deleted.
 *
 * Cross-compiling downloads the target's Bun runtime once (npm @oven/bun-linux-<arch>) into Bun's
 * install cache; later builds are offline. Prints one `key=value` line per binary.
 */

import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import packageJson from '../package.json' with { type: 'json' }

const ROOT = resolve(import.meta.dir, '..')
const ENTRYPOINTS = ['src/main.ts', 'src/charts/worker.ts', 'src/replay/worker.ts']
const ARCHES = ['x64', 'arm64'] as const
type Arch = (typeof ARCHES)[number]

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    outdir: { type: 'string', default: 'dist' },
  },
})

function fail(message: string): never {
  console.error(`build: ${message}`)
  process.exit(1)
}

const arches: Arch[] = (values.target ?? [...ARCHES]).map((name) => {
  if (!(ARCHES as readonly string[]).includes(name)) fail(`unknown --target ${name}: use ${ARCHES.join(' or ')}`)
  return name as Arch
})

function git(...args: string[]): string | null {
  try {
    const result = Bun.spawnSync(['git', ...args], { cwd: ROOT, stderr: 'ignore' })
    return result.success ? result.stdout.toString().trim() : null
  } catch {
    return null // git not installed
  }
}

/** Short commit, `-dirty` when tracked or untracked files differ from it; 'unknown' outside git. */
function buildCommit(): string {
  const head = git('rev-parse', '--short=12', 'HEAD')
  if (!head) return 'unknown'
  const status = git('status', '--porcelain', '--untracked-files=normal')
  return status === null || status === '' ? head : `${head}-dirty`
}

const version = packageJson.version
const commit = buildCommit()
const outdir = resolve(ROOT, values.outdir!)
mkdirSync(outdir, { recursive: true })

for (const arch of arches) {
  const outfile = join(outdir, `alert-orchestrator-linux-${arch}`)
  const started = performance.now()
  const result = await Bun.build({
    entrypoints: ENTRYPOINTS.map((path) => join(ROOT, path)),
    root: join(ROOT, 'src'),
    compile: {
      target: `bun-linux-${arch}`,
      outfile,
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    minify: { whitespace: true, syntax: true, identifiers: false },
    bytecode: true,
    sourcemap: 'linked',
    define: {
      BUILD_VERSION: JSON.stringify(version),
      BUILD_COMMIT: JSON.stringify(commit),
    },
  }).catch((error: unknown) => ({ success: false as const, logs: [error] }))
  if (!result.success) {
    for (const entry of result.logs) console.error(entry)
    fail(`${arch}: compilation failed`)
  }
  // The maps are inside the executable already; the side files would only collide between targets.
  for (const name of readdirSync(outdir)) if (name.endsWith('.map')) rmSync(join(outdir, name))
  const bytes = statSync(outfile).size
  const seconds = (performance.now() - started) / 1000
  console.log(
    `built=${relative(ROOT, outfile)} target=bun-linux-${arch} version=${version} commit=${commit} ` +
      `size_mb=${(bytes / 1048576).toFixed(1)} seconds=${seconds.toFixed(1)}`,
  )
}
