/** `npm run knowledge:build:java|rust`: regenerates knowledge/api-index.<language>.json from the pinned SDK's sources. */
import { writeFileSync } from 'node:fs'
import { serializeApiIndex, type ApiIndex } from '../../app/src/knowledge/api-index.js'
import { buildJavaApiIndex } from './java-api-index.js'
import { buildRustApiIndex } from './rust-api-index.js'
import { indexFile, javaSources, rustCrate, rustProtoCrate } from './sdk-cache.js'

/** Builds the index of one language; undefined when its sources are not cached and `fetch` is false. */
export function buildLanguageIndex(language: 'java' | 'rust', fetch: boolean): ApiIndex | undefined {
  if (language === 'java') {
    const dir = javaSources(fetch)
    return dir ? buildJavaApiIndex(dir) : undefined
  }
  const crate = rustCrate(fetch)
  return crate ? buildRustApiIndex(crate, rustProtoCrate()) : undefined
}

function main(languages: string[]): void {
  for (const language of languages) {
    if (language !== 'java' && language !== 'rust') throw new Error(`unknown language "${language}"; pass java and/or rust`)
    const started = performance.now()
    const index = buildLanguageIndex(language, true)!
    const text = serializeApiIndex(index)
    writeFileSync(indexFile(language), text)
    const methods = index.classes.reduce((n, c) => n + c.methods.length, 0)
    console.log(`wrote ${indexFile(language)}: ${index.sdk}@${index.version}, ${index.classes.length} classes, ${methods} methods, ${index.enums.length} enums, ${(text.length / 1024).toFixed(0)} KiB in ${Math.round(performance.now() - started)} ms`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2).length ? process.argv.slice(2) : ['java', 'rust'])
