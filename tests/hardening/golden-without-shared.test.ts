/**
 * A clone without ../shared (issue 15): the golden test file skips with its reason instead of
 * throwing while it loads. Run as a child `bun test` with GOLDEN_CASES naming a missing file.
 */
import { expect, it } from 'bun:test'
import { join } from 'node:path'
import { ROOT } from '../support/service/cli.ts'

it('skips the golden tests with their reason when the cases file is absent', async () => {
  const missing = join(ROOT, 'no-such-dir/cases.json')
  const child = Bun.spawn([process.execPath, 'test', 'tests/golden.test.ts'], {
    cwd: ROOT,
    env: { ...process.env, GOLDEN_CASES: missing },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  const output = stdout + stderr
  expect(output).toContain(`(skip) golden cases (${missing}) > golden cases not found at ${missing}`)
  expect(output).toMatch(/\b0 fail\b/)
  expect(code).toBe(0)
}, 60_000)
