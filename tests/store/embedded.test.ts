/**
 * The embedded store: data survives a restart, one serving process per directory while `--once`
 * may read next to it, stale locks are taken over, a clean close leaves nothing behind, and a
 * directory of the previous store (PGlite) is moved aside, never deleted.
 */
import { afterEach, describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../../src/errors.ts'
import { openEmbeddedStore, STORE_FILE } from '../../src/store/embedded.ts'
import { LOCK_FILE, lockDirectory } from '../../src/store/lock.ts'
import { StoreReader } from '../../src/store/reader.ts'
import { StoreWriter } from '../../src/store/writer.ts'

const T0 = Date.UTC(2025, 10, 3)
const directories: string[] = []

function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ao-embedded-'))
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

interface ChildAnswer {
  readonly ok: boolean
  readonly code?: string
  readonly message?: string
  readonly timespan?: { first: number; last: number } | null
}

/** Opens the store in a child process, as a second service would. */
async function openInChild(dir: string, mode: 'exclusive' | 'shared'): Promise<ChildAnswer> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'fixtures', 'open-embedded.ts'), dir, mode], { stdout: 'pipe' })
  const output = await new Response(child.stdout).text()
  await child.exited
  return JSON.parse(output.trim().split('\n').at(-1)!) as ChildAnswer
}

const POSITION = { wallet: 'addr1qa', marketId: 'DJED', marketName: 'DJED', units: 1, priceUsd: 1, usdValue: 1 }

describe('embedded store', () => {
  it('creates its file, keeps its data across a restart and removes its lock on close', async () => {
    const dir = emptyDir()
    const first = openEmbeddedStore({ dir })
    expect(first.created).toBe(true)
    expect(first.path).toBe(join(dir, STORE_FILE))
    await new StoreWriter(first.client).insertPositions('djed', [{ ts: T0, ...POSITION }])
    await first.close()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    // The last connection's close checkpoints the WAL into the file.
    expect(existsSync(join(dir, `${STORE_FILE}-wal`))).toBe(false)

    const second = openEmbeddedStore({ dir })
    try {
      expect(second.created).toBe(false)
      expect(await new StoreReader(second.client).assetAggregate('djed', { start: null, end: null })).toEqual({ ts: [T0], usd: [1], price: [1] })
    } finally {
      await second.close()
    }
  })

  it('refuses a second server on the same directory, naming the directory and the holder', async () => {
    const dir = emptyDir()
    const store = openEmbeddedStore({ dir })
    try {
      const answer = await openInChild(dir, 'exclusive')
      expect(answer.ok).toBe(false)
      expect(answer.code).toBe('store_locked')
      expect(answer.message).toContain(dir)
      expect(answer.message).toContain(`process ${process.pid}`)
    } finally {
      await store.close()
    }
  })

  it('lets a --once read next to a running server, and never see half a transaction', async () => {
    const dir = emptyDir()
    const server = openEmbeddedStore({ dir })
    try {
      const writer = new StoreWriter(server.client)
      await writer.insertPositions('djed', [{ ts: T0, ...POSITION }])
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      // The server is mid-transaction (a demo append) while the other process reads.
      const appending = writer.transaction(async (tx) => {
        await tx.insertPositions('djed', [{ ts: T0 + 60_000, ...POSITION }])
        await held
      })
      const during = await openInChild(dir, 'shared')
      release()
      await appending
      expect(during).toEqual({ ok: true, timespan: { first: T0, last: T0 } })
      expect(await openInChild(dir, 'shared')).toEqual({ ok: true, timespan: { first: T0, last: T0 + 60_000 } })
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    } finally {
      await server.close()
    }
  })

  it('takes over a lock left by a dead process', async () => {
    const dir = emptyDir()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid() }))
    const store = openEmbeddedStore({ dir })
    try {
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    } finally {
      await store.close()
    }
  })

  it('reports a directory it cannot use as unreachable, naming it', () => {
    const dir = emptyDir()
    mkdirSync(join(dir, STORE_FILE)) // a directory where the file should be
    let error: unknown = null
    try {
      openEmbeddedStore({ dir })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('store_unreachable')
    expect((error as AppError).message).toContain(join(dir, STORE_FILE))
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })
})

describe('a directory of the previous embedded store (PGlite)', () => {
  function pgliteDir(): string {
    const dir = emptyDir()
    mkdirSync(join(dir, 'pgdata', 'base', '1'), { recursive: true })
    writeFileSync(join(dir, 'pgdata', 'PG_VERSION'), '17\n')
    writeFileSync(join(dir, 'pgdata', 'base', '1', '1259'), Buffer.alloc(8192, 7))
    return dir
  }

  it('is moved aside whole, and a fresh store starts beside it', async () => {
    const dir = pgliteDir()
    const store = openEmbeddedStore({ dir })
    try {
      expect(store.legacy).not.toBeNull()
      const legacy = store.legacy!
      expect(legacy.from).toBe(join(dir, 'pgdata'))
      expect(legacy.to).toMatch(/\/pgdata\.pglite-\d{8}T\d{6}Z$/)
      expect(legacy.postgresVersion).toBe('17')
      expect(legacy.bytes).toBe(8192 + 3)
      expect(existsSync(join(dir, 'pgdata'))).toBe(false)
      expect(readFileSync(join(legacy.to, 'base', '1', '1259'))).toEqual(Buffer.alloc(8192, 7))
      expect(store.created).toBe(true)
      expect(await new StoreReader(store.client).listAssetSymbols()).toEqual([])
    } finally {
      await store.close()
    }
    const again = openEmbeddedStore({ dir })
    await again.close()
    expect(again.legacy).toBeNull()
    expect(readdirSync(dir).filter((name) => name.startsWith('pgdata')).length).toBe(1)
  })

  it('is left alone while a server of the old version holds the directory', async () => {
    const dir = pgliteDir()
    const lock = lockDirectory(dir) // this process plays the old server
    try {
      let error: unknown = null
      try {
        openEmbeddedStore({ dir, exclusive: false })
      } catch (caught) {
        error = caught
      }
      expect((error as AppError).code).toBe('store_locked')
      expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true)
    } finally {
      lock.release()
    }
  })
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
