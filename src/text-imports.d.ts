// Files imported `with { type: 'text' }` (Bun embeds them in the compiled binary).
declare module '*.yaml' {
  const text: string
  export default text
}
declare module '*.csv' {
  const text: string
  export default text
}
declare module '*.css' {
  const text: string
  export default text
}
declare module '*.min.js' {
  const path: string
  export default path
}
declare module '*.svg' {
  const text: string
  export default text
}

declare module '*/dashboard-client.js' {
  const text: string
  export default text
}
