/**
 * The predecessor stored Liqwid times 9 h early under TZ=Asia/Tokyo (quirk Q1). The UTC test of
 * the HTTP sync (tests/service/sync.test.ts) runs again in a child process whose zone is Tokyo.
 */
import { describe, expect, it } from 'bun:test'

const ROOT = new URL('../../', import.meta.url).pathname

async function inTokyo(args: string[]): Promise<{ code: number; output: string }> {
  const child = Bun.spawn([process.execPath, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'Asia/Tokyo' }, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, output: stdout + stderr }
}

describe('the HTTP sync under TZ=Asia/Tokyo', () => {
  it('stores the UTC instants Liqwid sent', async () => {
    const { code, output } = await inTokyo(['test', 'tests/service/sync.test.ts', '-t', 'stores Liqwid times as UTC instants'])
    expect(output).toMatch(/\b[1-9]\d* pass\b/)
    expect(output).toContain(' 0 fail')
    expect(code).toBe(0)
  }, 60_000)
})
