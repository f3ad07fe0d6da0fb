/** The MiniSearch index over every passage (BM25, field boosts, prefix and fuzzy), built once at start. */
import MiniSearch from 'minisearch'
import type { Passage, SearchField } from './passages.js'
import { processQueryTerm, processTerm, tokenize } from './terms.js'

export interface Hit {
  passage: Passage
  score: number
}

export interface SearchIndex {
  search(query: string, limit: number): Hit[]
  readonly size: number
}

/** How much a match in each field counts: what a passage is about weighs more than what it mentions. */
export const FIELD_BOOSTS = { title: 3, heading: 1.5, tags: 3, apis: 2, text: 1 }
/** API entries are long lists of names; a guide section that matches as well is the better answer. */
const GUIDE_BOOST = 1.6

export function buildSearchIndex(passages: Passage[]): SearchIndex {
  const byId = new Map(passages.map((p) => [p.id, p]))
  const mini = new MiniSearch<Passage>({
    fields: ['title', 'heading', 'tags', 'apis', 'text'],
    extractField: (doc, field) => {
      if (field === 'id') return doc.id
      if (doc.searchOnly && !doc.searchOnly.includes(field as SearchField)) return ''
      if (field === 'text') return doc.searchText ?? doc.text
      const value = doc[field as keyof Passage]
      return Array.isArray(value) ? value.join(' ') : String(value ?? '')
    },
    tokenize,
    processTerm,
    searchOptions: {
      boost: FIELD_BOOSTS,
      prefix: (term) => term.length >= 4,
      fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
      maxFuzzy: 2,
      weights: { prefix: 0.4, fuzzy: 0.3 },
      combineWith: 'OR',
      processTerm: processQueryTerm,
      boostDocument: (id: string) => (byId.get(id)?.kind === 'guide' ? GUIDE_BOOST : 1),
    },
  })
  mini.addAll(passages)
  return {
    size: passages.length,
    search(query, limit) {
      return mini
        .search(query)
        .slice(0, limit)
        .map((result) => ({ passage: byId.get(result.id as string)!, score: result.score }))
    },
  }
}
