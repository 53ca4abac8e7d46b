/**
 * Runs `bun src/main.ts …` as a child process, as an operator would: a clean environment (no
 * CONFIG_PATH / LOG_LEVEL inherited from the developer's shell), output captured.
 *
 *   const run = await runCli(['--print-config-normalized', '--config', path])
 *   const child = spawnService(['--config', path, '--no-telemetry'])
 *   await child.waitForLog(/msg="evaluation finished"/)
 *   child.signal('SIGTERM'); const code = await child.exited
 */
import { join } from 'node:path'

export const ROOT = new URL('../../../', import.meta.url).pathname
export const MAIN = join(ROOT, 'src/main.ts')

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  /** added to the clean environment; `undefined` removes a variable */
  readonly env?: Record<string, string | undefined>
  /** working directory (default: the repository) */
  readonly cwd?: string
  /** run under another program first, e.g. ['strace', '-f', '-o', file] */
  readonly wrapper?: readonly string[]
  /** the program itself (default: `bun src/main.ts`), e.g. [compiled binary] */
  readonly program?: readonly string[]
}

function cleanEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, CONFIG_PATH: undefined, LOG_LEVEL: undefined, ...extra }
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

function command(args: readonly string[], options: CliOptions): string[] {
  return [...(options.wrapper ?? []), ...(options.program ?? [process.execPath, MAIN]), ...args]
}

export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const child = Bun.spawn(command(args, options), {
    cwd: options.cwd ?? ROOT,
    env: cleanEnvironment(options.env),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

export interface ServiceProcess {
  readonly pid: number
  /** stderr lines so far (the log) */
  readonly logLines: readonly string[]
  /** resolves with the first log line matching, as soon as it is written */
  waitForLog(pattern: RegExp): Promise<string>
  signal(name: NodeJS.Signals): void
  /** SIGKILL if still running (cleanup after a failed test) */
  kill(): Promise<void>
  readonly exited: Promise<number>
  readonly stdout: Promise<string>
}

/** Starts a long-running service; its log (stderr) is followed line by line. */
export function spawnService(args: readonly string[], options: CliOptions = {}): ServiceProcess {
  const child = Bun.spawn(command(args, options), {
    cwd: options.cwd ?? ROOT,
    env: cleanEnvironment(options.env),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const lines: string[] = []
  let ended = false
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (error: Error) => void }[] = []
  const offer = (line: string) => {
    lines.push(line)
    for (const waiter of [...waiters])
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
  }
  const reading = (async () => {
    const decoder = new TextDecoder()
    let pending = ''
    const reader = child.stderr.getReader()
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      pending += decoder.decode(read.value, { stream: true })
      const parts = pending.split('\n')
      pending = parts.pop()!
      for (const line of parts) offer(line)
    }
    if (pending) offer(pending)
    ended = true
    for (const waiter of waiters.splice(0))
      waiter.reject(new Error(`process ended before a log line matched ${waiter.pattern}:\n${lines.join('\n')}`))
  })()
  const stdout = new Response(child.stdout).text()
  return {
    pid: child.pid,
    logLines: lines,
    waitForLog(pattern) {
      const seen = lines.find((line) => pattern.test(line))
      if (seen !== undefined) return Promise.resolve(seen)
      if (ended) return Promise.reject(new Error(`process ended before a log line matched ${pattern}:\n${lines.join('\n')}`))
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }))
    },
    signal: (name) => child.kill(name),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await child.exited
    },
    exited: Promise.all([child.exited, reading]).then(([code]) => code),
    stdout,
  }
}
