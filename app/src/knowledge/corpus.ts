/** One language's knowledge: its SDK's API index, its guides, their passages and search index. */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseApiIndex, type ApiIndex } from './api-index.js'
import { createApiNames, type ApiNames } from './api-names.js'
import { readGuides, type Guide, type SdkLanguage } from './guide-file.js'
import { apiPassages, guidePassages, sdkLabel, type Passage } from './passages.js'
import { buildSearchIndex, type SearchIndex, type SearchIndexOptions } from './search-index.js'

export interface Corpus {
  language: SdkLanguage
  index: ApiIndex
  guides: Guide[]
  names: ApiNames
  search: SearchIndex
  passages: number
}

/** The languages beside JavaScript, each with knowledge/api-index.<language>.json and knowledge/guides/<language>/. */
export const OTHER_LANGUAGES = ['java', 'rust'] as const satisfies readonly SdkLanguage[]

export function buildCorpus(language: SdkLanguage, index: ApiIndex, guides: Guide[], searchOptions: SearchIndexOptions = {}): Corpus {
  const sdk = sdkLabel(index)
  const passages: Passage[] = [...guides.flatMap((g) => guidePassages(g, sdk)), ...apiPassages(index, language)]
  return { language, index, guides, names: createApiNames(index), search: buildSearchIndex(passages, searchOptions), passages: passages.length }
}

/**
 * Loads one of OTHER_LANGUAGES; undefined when the knowledge folder has neither its index nor its guides (that
 * language is then answered from JavaScript's, with a note). Throws an Error naming the file and the fix when only
 * one of them is there or either is broken.
 */
export function loadLanguageCorpus(dir: string, language: (typeof OTHER_LANGUAGES)[number], searchOptions: SearchIndexOptions = {}): Corpus | undefined {
  const indexFile = join(dir, `api-index.${language}.json`)
  const guidesDir = join(dir, 'guides', language)
  if (!existsSync(indexFile) && !existsSync(guidesDir)) return undefined
  let index: ApiIndex
  try {
    index = parseApiIndex(readFileSync(indexFile, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'is missing' : code ? `cannot be read (${code})` : (error as Error).message
    throw new Error(`The ${language} API index ${indexFile} ${problem}; run \`npm run knowledge:build:${language}\` to regenerate it`)
  }
  let guides: Guide[]
  try {
    guides = readGuides(guidesDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`The ${language} guides folder ${guidesDir} is missing; restore knowledge/guides/${language}/`)
    throw new Error(`A ${language} guide cannot be loaded: ${(error as Error).message}`)
  }
  const stray = guides.find((g) => g.language !== language)
  if (stray) throw new Error(`The guide ${stray.id} in ${guidesDir} says language: ${stray.language}; set language: ${language} or move it to knowledge/guides/${stray.language === 'javascript' ? '' : `${stray.language}/`}`)
  return buildCorpus(language, index, guides, searchOptions)
}
