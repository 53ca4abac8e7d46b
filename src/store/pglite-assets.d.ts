// PGlite's runtime files, imported `with { type: 'file' }` so `bun build --compile` embeds them:
// the import yields a path (inside the binary's $bunfs when compiled) to read with Bun.file().
// Narrow patterns, so other modules stay free to declare `*.wasm` their own way.
declare module '*/pglite.wasm' {
  const path: string
  export default path
}
declare module '*/initdb.wasm' {
  const path: string
  export default path
}
declare module '*/pglite.data' {
  const path: string
  export default path
}
