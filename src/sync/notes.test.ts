import { describe, expect, it } from 'bun:test'
import { dedupeKey, parseSyncedTxId, syncedNotes } from './notes.ts'

const ID = '3f1c9a0b2d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff'

describe('synced notes', () => {
  it("writes the predecessor's exact format", () => {
    expect(syncedNotes('alert_driven', ID)).toBe('alert_driven Synced from Liqwid (tx: 3f1c9a0b2d4e5f60...)')
  })

  it('reads back the 16-char id prefix it wrote', () => {
    expect(parseSyncedTxId(syncedNotes('alert_driven', ID))).toBe('3f1c9a0b2d4e5f60')
    expect(dedupeKey(ID)).toBe('3f1c9a0b2d4e5f60')
  })

  it('tolerates a missing space, other spacing and uppercase hex', () => {
    expect(parseSyncedTxId('manual fix (tx:3F1C9A0B2D4E5F60...)')).toBe('3f1c9a0b2d4e5f60')
    expect(parseSyncedTxId('tx:   abcdef')).toBe('abcdef')
  })

  it('finds no id in manual notes, empty notes or a bare "tx:"', () => {
    for (const notes of [null, undefined, '', 'alert_driven manual withdrawal', 'tx: ...', 'tx:']) {
      expect(parseSyncedTxId(notes)).toBeNull()
    }
  })

  it('dedupes a non-hex id on what the notes will hold', () => {
    const odd = 'txn-0001-abcdef-99'
    expect(parseSyncedTxId(syncedNotes('k', odd))).toBeNull()
    expect(dedupeKey(odd)).toBe('txn-0001-abcdef-')
  })
})
