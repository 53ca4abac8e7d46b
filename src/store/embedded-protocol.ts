/** Messages between the service and the embedded store's worker (embedded.ts ↔ embedded-worker.ts). */

export type EmbeddedRequest = { readonly type: 'start'; readonly dataDir: string } | { readonly type: 'stop' }

export type EmbeddedReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'stopped' }
