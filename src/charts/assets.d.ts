// Files imported `with { type: 'file' }` resolve to a path: on disk in development, inside the
// executable's /$bunfs/ after `bun build --compile`. Only the assets the charts embed are declared.

declare module '@fontsource/inter/files/*.woff' {
  const path: string
  export default path
}

declare module '@resvg/resvg-wasm/index_bg.wasm' {
  const path: string
  export default path
}
