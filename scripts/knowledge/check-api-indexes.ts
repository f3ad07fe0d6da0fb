/** Rebuilds the Java and Rust API indexes from the pinned SDK sources and fails when a committed one differs. */
import { readFileSync } from 'node:fs'
import { serializeApiIndex } from '../../app/src/knowledge/api-index.js'
import { buildLanguageIndex } from './build-api-index-lang.js'
import { indexFile } from './sdk-cache.js'

let stale = 0
for (const language of ['java', 'rust'] as const) {
  const fresh = serializeApiIndex(buildLanguageIndex(language, true)!)
  const committed = readFileSync(indexFile(language), 'utf8')
  if (fresh === committed) {
    console.log(`${language}: ${indexFile(language)} matches the pinned SDK`)
  } else {
    stale++
    console.error(`${language}: ${indexFile(language)} differs from a fresh build of the pinned SDK; run \`npm run knowledge:build:${language}\` and commit the result`)
  }
}
process.exit(stale ? 1 : 0)
