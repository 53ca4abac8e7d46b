/**
 * The `notes` text of a synced deposit/withdrawal, which is also the sync's dedupe key store:
 * `"<keyword> Synced from Liqwid (tx: <first 16 chars of the id>...)"` — the predecessor's exact
 * format, so rows it wrote are recognised and the keyword still marks a reference point.
 */

/** The id prefix stored in notes; Liqwid ids are 64-hex transaction hashes. */
export const TX_ID_PREFIX_LENGTH = 16

/** Tolerant on purpose (quirk Q10): `tx:` without a space crashed the predecessor's whole sync. */
const TX_ID_IN_NOTES = /tx:\s*([0-9a-fA-F]+)/

export function syncedNotes(keyword: string, txId: string): string {
  return `${keyword} Synced from Liqwid (tx: ${txId.slice(0, TX_ID_PREFIX_LENGTH)}...)`
}

/** The stored id prefix (lowercase, at most 16 chars) of a synced row; null for manual notes. */
export function parseSyncedTxId(notes: string | null | undefined): string | null {
  const match = notes ? TX_ID_IN_NOTES.exec(notes) : null
  return match ? match[1]!.slice(0, TX_ID_PREFIX_LENGTH).toLowerCase() : null
}

/**
 * The key a Liqwid transaction is deduplicated by: what `parseSyncedTxId` reads back from the notes
 * we would write for it, so the comparison holds whatever the id looks like. An id without a hex
 * prefix falls back to its first 16 characters.
 */
export function dedupeKey(txId: string): string {
  return parseSyncedTxId(syncedNotes('', txId)) ?? txId.slice(0, TX_ID_PREFIX_LENGTH).toLowerCase()
}
