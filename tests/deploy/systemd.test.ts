/**
 * deploy/systemd/alert-orchestrator.service: the directives the deployment relies on, parsed from
 * the file (always), and `systemd-analyze verify` when systemd's tools are installed (the unit's
 * ExecStart is pointed at an existing program for that, since the binary is not installed here).
 */
import { afterAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')
const UNIT = join(ROOT, 'deploy/systemd/alert-orchestrator.service')
const ENV_EXAMPLE = join(ROOT, 'deploy/systemd/env.example')
const ANALYZE = Bun.which('systemd-analyze')
if (!ANALYZE) console.warn('systemd-analyze verify skipped: systemd-analyze not installed')

type Sections = Record<string, Record<string, string[]>>

function parseUnit(text: string): Sections {
  const sections: Sections = {}
  let current = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      current = header[1]!
      sections[current] ??= {}
      continue
    }
    const [key, ...value] = line.split('=')
    const section = sections[current] ?? {}
    sections[current] = section
    section[key!.trim()] ??= []
    section[key!.trim()]!.push(value.join('=').trim())
  }
  return sections
}

const text = await Bun.file(UNIT).text()
const unit = parseUnit(text)
const service = unit.Service ?? {}
const one = (key: string) => service[key]?.at(-1)

const scratch = mkdtempSync(join(tmpdir(), 'ao-unit-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the systemd unit', () => {
  it('runs the binary on the installed config, with the secrets from the environment file', () => {
    expect(one('ExecStart')).toBe('/usr/local/bin/alert-orchestrator --config /etc/alert-orchestrator/config.yaml')
    expect(one('EnvironmentFile')).toBe('/etc/alert-orchestrator/env')
  })

  it('keeps its state in its own state directory, which is also its working directory', () => {
    expect(one('StateDirectory')).toBe('alert-orchestrator')
    expect(one('WorkingDirectory')).toBe('/var/lib/alert-orchestrator')
    expect(one('DynamicUser')).toBe('yes')
  })

  it("is hardened, but leaves Bun's JIT its writable-executable memory", () => {
    for (const [key, value] of Object.entries({ ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', NoNewPrivileges: 'yes' }))
      expect(one(key), key).toBe(value)
    expect(service.MemoryDenyWriteExecute).toBeUndefined()
    expect(text).toMatch(/# NOT MemoryDenyWriteExecute[^\n]*\n(#[^\n]*\n){0,3}#[^\n]*JIT/) // the reason is written down
  })

  it('restarts on failure within limits set in [Unit], stops gracefully, and is memory-capped', () => {
    expect(one('Restart')).toBe('on-failure')
    expect(unit.Unit?.StartLimitIntervalSec).toBeDefined()
    expect(unit.Unit?.StartLimitBurst).toBeDefined()
    expect(service.StartLimitIntervalSec ?? service.StartLimitBurst).toBeUndefined()
    expect(one('RestartPreventExitStatus')).toBe('2')
    expect(one('KillSignal')).toBe('SIGTERM')
    expect(one('TimeoutStopSec')).toBe('30s') // > the 20 s the service gives a running evaluation
    expect(one('MemoryMax')).toMatch(/^\d+[KMG]$/)
    expect(unit.Install?.WantedBy).toEqual(['multi-user.target'])
  })

  it('names every secret the example configuration reads from the environment', async () => {
    const example = await Bun.file(ENV_EXAMPLE).text()
    for (const name of ['LIQWID_MAIN_WALLET_ADDRESS', 'LIQWID_WALLET_OTHER_ADDRESS', 'WO_BASIC_AUTH_USER', 'WO_BASIC_AUTH_PASS', 'GREPTIME_PASSWORD'])
      expect(example).toMatch(new RegExp(`^#?${name}=`, 'm'))
    const config = await Bun.file(join(ROOT, 'config/greptime.example.yaml')).text()
    for (const match of config.matchAll(/(?:address_env|user_env|pass_env|password_env):\s*"?([A-Z_]+)"?/g)) expect(example).toContain(`${match[1]}=`)
  })

  it.skipIf(!ANALYZE)('passes systemd-analyze verify', async () => {
    const copy = join(scratch, 'alert-orchestrator.service')
    writeFileSync(copy, text.replaceAll('/usr/local/bin/alert-orchestrator', '/bin/true'))
    const child = Bun.spawn([ANALYZE!, 'verify', copy], { stdout: 'pipe', stderr: 'pipe' })
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    // verify reports unknown keys and bad values as warnings on stderr, exit status 0
    expect(stdout + stderr).toBe('')
    expect(code).toBe(0)
  })
})
