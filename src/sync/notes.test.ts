import { describe, expect, it } from 'bun:test'
import { legacyTxIdPrefix } from '../store/writer.ts'
import { syncedNotes } from './notes.ts'

const ID = '3f1c9a0b2d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff'

describe('synced notes', () => {
  it("writes the predecessor's exact format", () => {
    expect(syncedNotes('alert_driven', ID)).toBe('alert_driven Synced from Liqwid (tx: 3f1c9a0b2d4e5f60...)')
  })

  it('gives the migration the id prefix verbatim, whatever the id looks like', () => {
    expect(legacyTxIdPrefix(syncedNotes('alert_driven', ID))).toBe('3f1c9a0b2d4e5f60')
    expect(legacyTxIdPrefix(syncedNotes('k', '0x12ab'))).toBe('0x12ab')
    expect(legacyTxIdPrefix(syncedNotes('k', 'txn-0001-abcdef-99'))).toBe('txn-0001-abcdef-')
    expect(legacyTxIdPrefix('alert_driven Synced from Liqwid (tx:3F1C9A0B2D4E5F60...)')).toBe('3F1C9A0B2D4E5F60')
  })

  it('reads the sync marker, not a keyword that happens to contain "tx:"', () => {
    expect(legacyTxIdPrefix(syncedNotes('ref tx:1 here', ID))).toBe('3f1c9a0b2d4e5f60')
  })

  it('finds no id in manual notes, empty notes or a bare marker', () => {
    for (const notes of [null, '', 'alert_driven manual withdrawal', 'tx: 3f1c...', 'Synced from Liqwid (tx: ...)']) {
      expect(legacyTxIdPrefix(notes)).toBeNull()
    }
  })
})
