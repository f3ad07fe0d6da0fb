/** The MiniSearch index over every passage (BM25, field boosts, prefix and fuzzy where they pay), built once at start. */
import MiniSearch, { type SearchResult } from 'minisearch'
import { createLru } from './lru.js'
import type { Passage, SearchField } from './passages.js'
import { boundedQuery, processQueryTerm, processTerm, tokenize } from './terms.js'

export interface Hit {
  passage: Passage
  score: number
  /** The passage's position in its index (0 .. size - 1): callers merging hits index arrays by it. */
  doc: number
}

/**
 * A query's best passages, best first, as two parallel arrays: what the query cache keeps (about 0.7 KB for 40
 * with the key, where 40 Hit objects took 1.5 KB) and what rank() merges without making an object per hit.
 */
export interface RankedDocs {
  readonly docs: Int32Array
  readonly scores: Float64Array
}

export interface SearchIndex {
  /** Ranked hits for the first `maxWords` distinct words of the query (MAX_QUERY_WORDS by default). */
  search(query: string, limit: number, maxWords?: number): Hit[]
  /** The best CACHED_HITS of `search`, compact; the same object for the same query while it is cached. */
  ranked(query: string, maxWords?: number): RankedDocs
  readonly passages: readonly Passage[]
  /** The same ranking from one MiniSearch query over all the words, uncached: the reference `search` must equal. */
  searchWhole(query: string, limit: number, maxWords?: number): Hit[]
  readonly size: number
}

export interface SearchIndexOptions {
  /** Entries of the query and the word cache (default 2048 queries, 2048 words); 0 turns both off. */
  cacheSize?: number
}

/** How much a match in each field counts: what a passage is about weighs more than what it mentions. */
export const FIELD_BOOSTS = { title: 3, heading: 1.5, tags: 3, apis: 2, text: 1 }
/** API entries are long lists of names; a guide section that matches as well is the better answer. */
const GUIDE_BOOST = 1.6
/**
 * Distinct words searched per query. Each word costs a walk of the index per field (up to ~0.4 ms for a common
 * one never searched before), so this bounds a query's CPU whatever is pasted; the eval's longest question has 11.
 */
export const MAX_QUERY_WORDS = 24
const ALL_DIGITS = /^\d+$/
const HAS_DIGIT = /\d/
/** Hits kept per cached query: what rank() merges. */
export const CACHED_HITS = 40
/**
 * Queries whose hits are kept. A recent turn is looked up here when its conversation asks again, so the cache
 * must outlive every other conversation's question in between: at 512, 200 busy conversations pushed a turn out
 * before its follow-up and every follow-up searched three times (docs/knowledge.md). About 0.7 KB a query.
 */
const DEFAULT_CACHE_SIZE = 2048
/** Distinct words whose hits are kept: a developer vocabulary is a few thousand words, the common ones say most. */
const DEFAULT_WORD_CACHE = 2048

export function buildSearchIndex(passages: Passage[], options: SearchIndexOptions = {}): SearchIndex {
  const byId = new Map(passages.map((p) => [p.id, p]))
  // Every term the documents hold: a query term found here needs no fuzzy match, which is most of the cost.
  const vocabulary = new Set<string>()
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
    processTerm: function indexTerm(term) {
      const processed = processTerm(term)
      if (processed) vocabulary.add(processed)
      return processed
    },
    searchOptions: {
      boost: FIELD_BOOSTS,
      // A number (an account, an amount, a status code) is exact: 1234 is not the start of 12345.
      prefix: (term) => term.length >= 4 && !vocabulary.has(term) && !ALL_DIGITS.test(term),
      // A typo ("asociate") has no exact term; a known word does, and its fuzzy neighbours only add noise and CPU.
      // Nor do words with digits (0x4f3a..., 0.0.1234, r2c150): ids, not misspelt words, and the costliest to fuzz.
      fuzzy: (term) => (term.length >= 6 && !vocabulary.has(term) && !HAS_DIGIT.test(term) ? 0.2 : false),
      maxFuzzy: 2,
      weights: { prefix: 0.4, fuzzy: 0.3 },
      combineWith: 'OR',
      processTerm: processQueryTerm,
      boostDocument: (id: string) => (byId.get(id)?.kind === 'guide' ? GUIDE_BOOST : 1),
    },
  })
  mini.addAll(passages)
  const indexOf = new Map(passages.map((p, n) => [p.id, n]))
  const words = createLru<string, WordHits>(options.cacheSize ?? DEFAULT_WORD_CACHE)
  const queries = createLru<string, RankedDocs>(options.cacheSize ?? DEFAULT_CACHE_SIZE)
  const scratch = createScratch(passages.length)
  /**
   * Every term a word's hits name, numbered once per index: a query then marks its terms in typed arrays, not a
   * Map. The terms are the index's own (what MiniSearch matched), so the numbering is bounded by its vocabulary.
   */
  const termNumbers = new Map<string, number>()
  const termNumber = (term: string) => termNumbers.get(term) ?? termNumbers.set(term, termNumbers.size).size - 1

  /** One word's hits, from the cache or from the index. */
  function hitsOfWord(word: string): WordHits {
    let hits = words.get(word)
    if (!hits) {
      hits = wordHits(mini.search(word), indexOf, termNumber)
      words.set(word, hits)
    }
    return hits
  }

  /** The best CACHED_HITS for the query, cached; more than that (a long search listing) uncached. */
  function rankedDocs(query: string, keep: number, maxWords: number): RankedDocs {
    const bounded = boundedQuery(query, maxWords)
    const perWord = () => (bounded ? bounded.split(' ').map(hitsOfWord) : [])
    if (keep > CACHED_HITS) return combine(perWord(), keep, scratch, termNumbers.size)
    const cached = queries.get(bounded)
    if (cached) return cached
    const ranked = combine(perWord(), CACHED_HITS, scratch, termNumbers.size)
    queries.set(bounded, ranked)
    return ranked
  }

  return {
    size: passages.length,
    passages,
    search(query, limit, maxWords = MAX_QUERY_WORDS) {
      const { docs, scores } = rankedDocs(query, limit, maxWords)
      return Array.from({ length: Math.min(limit, docs.length) }, (_, k) => ({ passage: passages[docs[k]!]!, score: scores[k]!, doc: docs[k]! }))
    },
    ranked: (query, maxWords = MAX_QUERY_WORDS) => rankedDocs(query, CACHED_HITS, maxWords),
    searchWhole(query, limit, maxWords = MAX_QUERY_WORDS) {
      return mini
        .search(boundedQuery(query, maxWords))
        .slice(0, limit)
        .map((result) => ({ passage: byId.get(result.id as string)!, score: result.score, doc: indexOf.get(result.id as string)! }))
    },
  }
}

/**
 * One word's matches as MiniSearch scored them, kept compact: the passages (by index), each one's score before
 * MiniSearch multiplies it by the number of query terms matched, and which of the word's terms matched (a bit each;
 * `terms` holds each bit's term by its number in the index).
 */
interface WordHits {
  docs: Int32Array
  raw: Float64Array
  terms: Int32Array
  masks: Uint32Array
}

function wordHits(results: SearchResult[], indexOf: Map<string, number>, termNumber: (term: string) => number): WordHits {
  const terms: string[] = []
  const docs = new Int32Array(results.length)
  const raw = new Float64Array(results.length)
  const masks = new Uint32Array(results.length)
  for (const [k, result] of results.entries()) {
    docs[k] = indexOf.get(result.id as string)!
    raw[k] = result.score / (result.queryTerms.length || 1)
    let mask = 0
    for (const term of result.queryTerms) {
      let bit = terms.indexOf(term)
      if (bit < 0) bit = terms.push(term) - 1
      mask |= 1 << Math.min(bit, 31)
    }
    masks[k] = mask
  }
  return { docs, raw, terms: Int32Array.from(terms, termNumber), masks }
}

/**
 * Per-passage accumulators of one index, reused by every query (queries run one at a time, synchronously):
 * allocating and zeroing them per question was a third of a retrieval's CPU and most of its garbage. Only the
 * entries a query touched are cleared after it.
 */
interface Scratch {
  score: Float64Array
  matched: Uint32Array
  /** The passages a query touched, in order, their final scores, and a copy of those the selection reorders. */
  touched: Int32Array
  finals: Float64Array
  select: Float64Array
  /** Per term number: its bit in this query (valid where `stamps` holds this query's stamp). Grown with the terms. */
  bits: Int32Array
  stamps: Uint32Array
  stamp: number
}

function createScratch(passages: number): Scratch {
  return {
    score: new Float64Array(passages),
    matched: new Uint32Array(passages),
    touched: new Int32Array(passages),
    finals: new Float64Array(passages),
    select: new Float64Array(passages),
    bits: new Int32Array(0),
    stamps: new Uint32Array(0),
    stamp: 0,
  }
}

/** Numbers the query's distinct terms 0, 1, ... in `scratch.bits`, by a fresh stamp (no clearing); returns how many. */
function numberTerms(perWord: WordHits[], scratch: Scratch, termCount: number): number {
  if (scratch.stamps.length < termCount) {
    const size = Math.max(termCount, scratch.stamps.length * 2, 1024)
    scratch.bits = new Int32Array(size)
    scratch.stamps = new Uint32Array(size)
    scratch.stamp = 0
  }
  if (scratch.stamp === 0xffffffff) {
    scratch.stamps.fill(0)
    scratch.stamp = 0
  }
  const stamp = ++scratch.stamp
  const { bits, stamps } = scratch
  let distinct = 0
  for (const word of perWord) {
    for (const term of word.terms) {
      if (stamps[term] === stamp) continue
      stamps[term] = stamp
      bits[term] = distinct++
    }
  }
  return distinct
}

/**
 * What MiniSearch returns for all the words in one OR query, from each word's own hits: per passage the sum of
 * the words' scores, times the number of distinct query terms it matched. Searching word by word gives the same
 * ranking and lets every word's work be reused by the next question that says it.
 */
function combine(perWord: WordHits[], keep: number, scratch: Scratch, termCount: number): RankedDocs {
  const chunks = Math.max(1, Math.ceil(numberTerms(perWord, scratch, termCount) / 32))
  const size = scratch.score.length
  if (scratch.matched.length < size * chunks) scratch.matched = new Uint32Array(size * chunks)
  const { score, matched, touched, bits } = scratch
  let n = 0
  for (const word of perWord) {
    const ids = word.terms
    for (let k = 0; k < word.docs.length; k++) {
      const doc = word.docs[k]!
      if (score[doc] === 0) touched[n++] = doc
      score[doc] = score[doc]! + word.raw[k]!
      for (let mask = word.masks[k]!, bit = 0; mask !== 0; mask >>>= 1, bit++) {
        if ((mask & 1) === 0) continue
        const id = bits[ids[bit]!]!
        const at = doc * chunks + (id >> 5)
        matched[at] = matched[at]! | (1 << (id & 31))
      }
    }
  }
  const { finals } = scratch
  for (let i = 0; i < n; i++) {
    const doc = touched[i]!
    let quality = 0
    for (let c = 0; c < chunks; c++) {
      quality += bitCount(matched[doc * chunks + c]!)
      matched[doc * chunks + c] = 0
    }
    finals[i] = score[doc]! * (quality || 1)
    score[doc] = 0
  }
  return best(touched, n, finals, keep, scratch)
}

/**
 * The best `keep` of the touched passages by final score, as a stable sort would order them (ties keep the order
 * the words found them in): the keep-th score is found by selection, then only the kept are sorted.
 */
function best(touched: Int32Array, n: number, finals: Float64Array, keep: number, scratch: Scratch): RankedDocs {
  const kept = topIndices(finals, n, keep, scratch.select)
  const docs = new Int32Array(kept.length)
  const scores = new Float64Array(kept.length)
  for (let k = 0; k < kept.length; k++) {
    docs[k] = touched[kept[k]!]!
    scores[k] = finals[kept[k]!]!
  }
  return { docs, scores }
}

/** Indices of the `keep` largest of the first `n` values, largest first, ties in index order: a stable sort's first `keep`. */
export function topIndices(finals: Float64Array, n: number, keep: number, select: Float64Array = new Float64Array(n)): number[] {
  if (keep <= 0 || n === 0) return []
  let threshold = -Infinity
  if (n > keep) {
    select.set(finals.subarray(0, n))
    threshold = nthSmallest(select, n, n - keep)
  }
  let above = 0
  for (let i = 0; i < n; i++) if (finals[i]! > threshold) above++
  let ties = keep - above
  const kept: number[] = []
  for (let i = 0; i < n; i++) {
    const final = finals[i]!
    if (final > threshold || (final === threshold && ties-- > 0)) kept.push(i)
  }
  return kept.sort((a, b) => descending(finals[a]!, finals[b]!) || a - b)
}

/**
 * A comparator's result for scores `a` and `b`, larger first, as -1, 0 or 1: the difference of two doubles is a
 * heap number each comparison, about a quarter of a retrieval's garbage.
 */
export function descending(a: number, b: number): number {
  return a > b ? -1 : a < b ? 1 : 0
}

/** The value that would be at `k` if the first `n` values were sorted ascending (Hoare's selection; reorders them). */
function nthSmallest(values: Float64Array, n: number, k: number): number {
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!
    let i = lo
    let j = hi
    while (i <= j) {
      while (values[i]! < pivot) i++
      while (values[j]! > pivot) j--
      if (i <= j) {
        const t = values[i]!
        values[i++] = values[j]!
        values[j--] = t
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return values[k]!
  }
  return values[k]!
}

function bitCount(n: number): number {
  let count = 0
  for (let v = n; v !== 0; v &= v - 1) count++
  return count
}
