/**
 * Prints the configuration reference generated from the schema; `--write` replaces the block
 * between the markers in README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { configReferenceMarkdown, REFERENCE_END, REFERENCE_START } from '../../src/config/reference.ts'

const markdown = configReferenceMarkdown()
if (!process.argv.includes('--write')) {
  console.log(markdown)
} else {
  const path = resolve(import.meta.dir, '../../README.md')
  const readme = readFileSync(path, 'utf8')
  const start = readme.indexOf(REFERENCE_START)
  const end = readme.indexOf(REFERENCE_END)
  if (start < 0 || end < 0) throw new Error(`README.md has no ${REFERENCE_START} … ${REFERENCE_END} block`)
  writeFileSync(path, readme.slice(0, start) + markdown + readme.slice(end + REFERENCE_END.length))
  console.log(`README.md: configuration reference updated (${markdown.split('\n').length - 4} keys)`)
}
