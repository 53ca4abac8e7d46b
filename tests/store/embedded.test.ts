/**
 * The embedded store: data survives a restart, one process per directory, stale locks are taken
 * over, and a clean close leaves nothing behind.
 */
import { afterEach, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../../src/errors.ts'
import { startEmbeddedStore } from '../../src/store/embedded.ts'
import { LOCK_FILE, lockDirectory } from '../../src/store/lock.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { StoreWriter } from '../../src/store/writer.ts'
import { SETUP_TIMEOUT_MS, embeddedDir, testClient } from '../support/pg.ts'

const T0 = Date.UTC(2025, 10, 3)
const directories: string[] = []

async function freshDir(): Promise<string> {
  const dir = await embeddedDir()
  directories.push(dir)
  return dir
}

function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ao-lock-'))
  directories.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** The pid of a process that has exited. */
function deadPid(): number {
  return Bun.spawnSync(['true']).pid
}

describe('embedded store', () => {
  it(
    'keeps its data across a restart',
    async () => {
      const dir = await freshDir()
      const first = await startEmbeddedStore({ dir })
      const writer = testClient(first.url)
      await new StoreWriter(writer).insertPositions('djed', [
        { ts: T0, wallet: 'addr1qa', marketId: 'DJED', marketName: 'DJED', units: 1, priceUsd: 1, usdValue: 1 },
      ])
      await writer.close()
      await first.close()

      const second = await startEmbeddedStore({ dir })
      const reader = testClient(second.url)
      try {
        expect(second.created).toBe(false)
        expect(second.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
        expect(await new StoreReader(reader).assetAggregate('djed', { start: null, end: null })).toEqual({ ts: [T0], usd: [1], price: [1] })
      } finally {
        await reader.close()
        await second.close()
      }
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    },
    SETUP_TIMEOUT_MS,
  )

  it(
    'refuses a second process on the same directory, naming the directory and the holder',
    async () => {
      const dir = await freshDir()
      const store = await startEmbeddedStore({ dir })
      try {
        const child = Bun.spawnSync([process.execPath, join(import.meta.dir, 'fixtures', 'open-embedded.ts'), dir])
        const answer = JSON.parse(child.stdout.toString().trim().split('\n').at(-1)!) as { ok: boolean; code: string; message: string }
        expect(answer.ok).toBe(false)
        expect(answer.code).toBe('store_locked')
        expect(answer.message).toContain(dir)
        expect(answer.message).toContain(`process ${process.pid}`)
      } finally {
        await store.close()
      }
    },
    SETUP_TIMEOUT_MS,
  )

  it(
    'takes over a lock left by a dead process',
    async () => {
      const dir = await freshDir()
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid() }))
      const store = await startEmbeddedStore({ dir })
      try {
        expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
      } finally {
        await store.close()
      }
    },
    SETUP_TIMEOUT_MS,
  )
})

describe('directory lock', () => {
  it('is exclusive, even within one process, and released on request', () => {
    const dir = emptyDir()
    const lock = lockDirectory(dir)
    let error: unknown = null
    try {
      lockDirectory(dir)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('store_locked')
    expect((error as AppError).details).toEqual({ dir, pid: process.pid })
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    lockDirectory(dir).release()
  })

  it('treats an unreadable lock as being written while fresh, and as stale once old', () => {
    const dir = emptyDir()
    const path = join(dir, LOCK_FILE)
    writeFileSync(path, '')
    expect(() => lockDirectory(dir)).toThrow('in use by another process')
    const old = new Date(Date.now() - 60_000)
    utimesSync(path, old, old)
    lockDirectory(dir).release()
  })
})
