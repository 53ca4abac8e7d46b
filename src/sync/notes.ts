/**
 * The `notes` text of a synced deposit/withdrawal: `"<keyword> Synced from Liqwid (tx: <first 16
 * chars of the id>...)"` — the predecessor's exact format, kept for humans and because the keyword
 * marks a reference point. Dedupe never reads it: the row's identity is its `tx_id` column (the
 * migration reads the prefix back once, see `legacyTxIdPrefix` in store/writer.ts).
 */

/** How much of the id the notes show (Liqwid ids are 64-hex transaction hashes). */
export const TX_ID_PREFIX_LENGTH = 16

export function syncedNotes(keyword: string, txId: string): string {
  return `${keyword} Synced from Liqwid (tx: ${txId.slice(0, TX_ID_PREFIX_LENGTH)}...)`
}
