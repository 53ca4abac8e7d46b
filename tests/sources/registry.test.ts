import { afterEach, describe, expect, it } from 'bun:test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAppError } from '../../src/errors.ts'
import { captureLogs } from '../../src/log.ts'
import { loadTokenRegistry, parseTokenRegistry } from '../../src/sources/registry.ts'
import { SHIPPED_TOKEN_REGISTRY_CSV } from '../fakes/fixtures.ts'

const DJED = '8db269c3ec630e06ae29f74bc39edd1f87c819f1056206e879a1cd61'

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('token registry', () => {
  it('reads the 8 shipped rows, keyed by display name', () => {
    const { registry, problems } = parseTokenRegistry(SHIPPED_TOKEN_REGISTRY_CSV)
    expect(problems).toEqual([])
    expect(registry.entries().map((entry) => entry.asset)).toEqual(['djed', 'usdm', 'usdt', 'usdc', 'usda', 'iusd', 'lq', 'iag'])
    // Liqwid's own token is listed by Liqwid as symbol LQ (recorded markets answer: asset.id da8c…4c51)
    expect(registry.get('LQ')?.tokenId).toBe('da8c30857834c6ae7203935b89278c532b3995245295456f993e1d244c51')
    expect(registry.get('DJED')?.tokenId).toBe(`${DJED}446a65644d6963726f555344`)
    expect(registry.get('usdc')?.tokenId).toBe('25c5de5f5b286073c593edfd77b48abc7a48e5a4f3d4cd9d428ff93555534443')
    expect(registry.get('wanusdc')).toBeNull()
    expect(registry.missing(['djed', 'usdc', 'wanusdt', 'ADA'])).toEqual(['wanusdt', 'ADA'])
  })

  it('rejects a header that is not exactly asset,policy_id,token_name_hex, naming the line', () => {
    for (const header of [
      'asset,policy,token_name_hex',
      'policy_id,asset,token_name_hex',
      'asset,policy_id',
      'asset,policy_id,token_name_hex,extra',
    ]) {
      const error = thrown(() => parseTokenRegistry(`# tokens\n\n${header}\ndjed,${DJED},4c51\n`, 'registry.csv'))
      expect(isAppError(error, 'config_invalid')).toBe(true)
      expect((error as Error).message).toBe(`token registry registry.csv line 3: header must be "asset,policy_id,token_name_hex", got "${header}"`)
    }
  })

  it('rejects a file without a header or without a valid row', () => {
    expect((thrown(() => parseTokenRegistry('# only a comment\n')) as Error).message).toMatch(/no header line/)
    expect((thrown(() => parseTokenRegistry('asset,policy_id,token_name_hex\nx,zz,11\n')) as Error).message).toMatch(/no valid row/)
  })

  it('skips malformed rows and reports each with its line number', () => {
    const text = [
      'asset,policy_id,token_name_hex', // 1
      `djed,${DJED},446a6564`, // 2
      '', // 3
      `# comment,${DJED},00`, // 4
      `usdm,${DJED}`, // 5: two columns
      `usda,${DJED},4c51,extra`, // 6: four columns
      `iusd,${DJED.slice(0, 54)}zz,4c51`, // 7: non-hex policy
      `iag,${DJED},4c5`, // 8: odd length
      `liqwid,${DJED},0x4c`, // 9: non-hex name
      `,${DJED},4c51`, // 10: no asset
      `usdt,${DJED.slice(2)},4c51`, // 11: short policy id
    ].join('\n')
    const { registry, problems } = parseTokenRegistry(text)
    expect(registry.entries().map((entry) => entry.asset)).toEqual(['djed'])
    expect(problems.map((problem) => problem.line)).toEqual([5, 6, 7, 8, 9, 10, 11])
    expect(problems[0]!.message).toBe('expected 3 columns (asset,policy_id,token_name_hex), got 2')
    expect(problems[3]!.message).toBe('token_name_hex of iag has an odd length (3)')
    expect(problems[4]!.message).toBe('token_name_hex of liqwid is not hex: "0x4c"')
  })

  it('lets the last row win per asset, case-insensitively, and lowercases the hex', () => {
    const text = `asset,policy_id,token_name_hex\nDJED,${DJED},00\ndjed,${DJED.toUpperCase()},4C51\n`
    const { registry } = parseTokenRegistry(text)
    expect(registry.entries()).toEqual([{ asset: 'djed', policyId: DJED, tokenNameHex: '4c51', tokenId: `${DJED}4c51` }])
  })

  describe('from a file', () => {
    let directory: string | undefined
    afterEach(async () => {
      if (directory) await rm(directory, { recursive: true, force: true })
    })

    it('logs one warning per skipped row with its line and says which file is missing', async () => {
      directory = await mkdtemp(join(tmpdir(), 'registry-'))
      const path = join(directory, 'token_registry.csv')
      await writeFile(path, `${SHIPPED_TOKEN_REGISTRY_CSV}broken,row\n`)
      const lines: string[] = []
      const restore = captureLogs((line) => lines.push(line))
      try {
        const registry = await loadTokenRegistry(path)
        expect(registry.entries()).toHaveLength(8)
      } finally {
        restore()
      }
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('msg="token registry row skipped"')
      expect(lines[0]).toContain('line=10')

      const missing = join(directory, 'absent.csv')
      await expect(loadTokenRegistry(missing)).rejects.toThrow(`token registry file not found: ${missing}`)
    })
  })
})
