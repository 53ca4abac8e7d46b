/**
 * The predecessor stored Liqwid times 9 h early under TZ=Asia/Tokyo (quirk Q1). Run the sync
 * scenarios in a child process whose time zone is Tokyo: they expect UTC instants, so they fail
 * if any parsing depends on the process time zone.
 */
import { describe, expect, it } from 'bun:test'

const ROOT = new URL('../../', import.meta.url).pathname

async function run(args: string[]): Promise<{ code: number; output: string }> {
  const child = Bun.spawn([process.execPath, ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'Asia/Tokyo' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, output: stdout + stderr }
}

describe('sync under TZ=Asia/Tokyo', () => {
  it('runs in a process that really is in Tokyo time', async () => {
    const { output } = await run(['-e', 'console.log(new Date(0).getTimezoneOffset())'])
    expect(output.trim()).toBe('-540')
  })

  it('passes the same scenarios, so stored times do not depend on the time zone', async () => {
    const { code, output } = await run(['test', 'tests/sync/sync.test.ts', 'src/sources/dates.test.ts'])
    expect(output).toContain(' 0 fail')
    expect(code).toBe(0)
  })
})
