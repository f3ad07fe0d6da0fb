/** The knowledge base: the committed API index and the guides, loaded and indexed once at start. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiCheck } from '../protocol/frames.js'
import { checkApi } from './api-check.js'
import { checkTypedApi } from './api-check-typed.js'
import { buildCorpus, loadLanguageCorpus, OTHER_LANGUAGES, type Corpus } from './corpus.js'
import { chooseLanguages } from './languages.js'
import { parseApiIndex, type ApiIndex } from './api-index.js'
import { type ApiNames } from './api-names.js'
import { readGuides, type Guide, type SdkLanguage } from './guide-file.js'
import { type Passage } from './passages.js'
import { createLru } from './lru.js'
import type { Hit, RankedDocs, SearchIndex } from './search-index.js'

export const REBUILD_COMMAND = 'npm run knowledge:build'

/** A knowledge file that is missing or broken: the process cannot start without it. */
export class KnowledgeLoadError extends Error {
  override name = 'KnowledgeLoadError'
}

export interface KnowledgeStats {
  sdkVersion: string
  guides: number
  classes: number
  passages: number
  buildMs: number
  /** CPU time of the build (user + system): what the build costs when other processes share the CPU. */
  buildCpuMs: number
  /** Heap growth while loading and indexing (approximate: other work may run meanwhile). */
  heapBytes: number
}

export interface KnowledgeBase {
  readonly index: ApiIndex
  readonly guides: Guide[]
  readonly names: ApiNames
  readonly stats: KnowledgeStats
  /** Each language's knowledge (JavaScript's is `index` and `guides` above); undefined for one this folder lacks. */
  corpus(language: SdkLanguage): Corpus | undefined
  /** The languages with a corpus: JavaScript always, Java and Rust when their files are there. */
  readonly languages: ReadonlySet<SdkLanguage>
  /**
   * The best passages for a question, with the recent turns as weaker context, from the SDK of `language` (the
   * editor's: typescript, javascript, java, rust, go) or of the languages the question names (see languages.ts).
   * The same (question, recent turns, limit, language) returns the same frozen array while it is cached, so work
   * built on it (the context block) can be reused.
   */
  retrieve(question: string, recentTurns?: readonly string[], limit?: number, language?: string): readonly Passage[]
  /** Ranked hits with scores (for the search endpoint and the evaluation), chosen by language like `retrieve`. */
  search(query: string, limit: number, language?: string): Hit[]
  checkApi(markdown: string): ApiCheck
}

/** Passages per guide or class in one answer: several sources beat three sections of one guide. */
const MAX_PER_SOURCE = 2
/** Words beyond this say little more about what is asked and cost search time. */
const MAX_QUERY_CHARS = 2000
const RECENT_WEIGHT = 0.35
/** Turns before the question that are searched: a follow-up leans on what was just asked, not on the whole chat. */
const RECENT_TURNS = 2

export interface KnowledgeOptions {
  /** Entries of each cache (retrievals, whole queries, single words); unset: the defaults; 0 turns every cache off (benchmarks). */
  cacheSize?: number
}

const DEFAULT_RETRIEVAL_CACHE = 256

export function loadKnowledge(dir: string, options: KnowledgeOptions = {}): KnowledgeBase {
  const heapBefore = process.memoryUsage().heapUsed
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const indexFile = join(dir, 'api-index.json')
  const guidesDir = join(dir, 'guides')
  let index: ApiIndex
  try {
    index = parseApiIndex(readFileSync(indexFile, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'is missing' : code ? `cannot be read (${code})` : (error as Error).message
    throw new KnowledgeLoadError(`The API index ${indexFile} ${problem}; run \`${REBUILD_COMMAND}\` to regenerate it`)
  }
  let guides: Guide[]
  try {
    guides = readGuides(guidesDir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new KnowledgeLoadError(`The guides folder ${guidesDir} is missing; restore knowledge/guides/ (it ships with the server, beside the index \`${REBUILD_COMMAND}\` writes)`)
    throw new KnowledgeLoadError(`A guide cannot be loaded: ${(error as Error).message}`)
  }
  if (guides.length === 0) throw new KnowledgeLoadError(`The guides folder ${guidesDir} holds no guide (*.md); restore knowledge/guides/`)
  const searchOptions = options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }
  const corpora = new Map<SdkLanguage, Corpus>([['javascript', buildCorpus('javascript', index, guides, searchOptions)]])
  for (const language of OTHER_LANGUAGES) {
    try {
      const corpus = loadLanguageCorpus(dir, language, searchOptions)
      if (corpus) corpora.set(language, corpus)
    } catch (error) {
      throw new KnowledgeLoadError((error as Error).message)
    }
  }
  const { search: searchIndex, names, passages: passageCount } = corpora.get('javascript')!
  const available: ReadonlySet<SdkLanguage> = new Set(corpora.keys())
  // One search at start compiles the search path, so the first user's question does not pay for it.
  searchIndex.search('associate a token with an account', 1)
  const retrievals = createLru<string, readonly Passage[]>(options.cacheSize ?? DEFAULT_RETRIEVAL_CACHE)
  const results = createLru<string, readonly Passage[]>(options.cacheSize ?? DEFAULT_RETRIEVAL_CACHE)
  /**
   * One frozen array per set of passages seen lately: different questions that find the same passages share it,
   * and with it the context block and its encoded bytes made for it (chat/prompt.ts, llm/request-body.ts).
   */
  function sameResult(passages: Passage[]): readonly Passage[] {
    const key = passages.map((p) => `${p.language}/${p.id}`).join('\n')
    const known = results.get(key)
    if (known) return known
    const frozen = Object.freeze(passages)
    results.set(key, frozen)
    return frozen
  }
  const stats: KnowledgeStats = {
    sdkVersion: index.version,
    guides: guides.length,
    classes: index.classes.length,
    passages: passageCount,
    buildMs: Math.round((performance.now() - started) * 10) / 10,
    buildCpuMs: Math.round(cpuMs(process.cpuUsage(cpuBefore)) * 10) / 10,
    heapBytes: Math.max(0, process.memoryUsage().heapUsed - heapBefore),
  }
  return {
    index,
    guides,
    names,
    stats,
    corpus: (language) => corpora.get(language),
    languages: available,
    retrieve: function retrieve(question, recentTurns = [], limit = 6, language) {
      const recent = recentTurns.slice(-RECENT_TURNS)
      const key = `${language ?? ''}\u0000${limit}\u0000${question.slice(0, MAX_QUERY_CHARS)}\u0000${recent.map((turn) => turn.slice(0, MAX_QUERY_CHARS)).join('\u0000')}`
      const cached = retrievals.get(key)
      if (cached) return cached
      const passages = sameResult(rankIn(question, recent, limit, language).map((hit) => hit.passage))
      retrievals.set(key, passages)
      return passages
    },
    search: (query, limit, language) => rankIn(query, [], limit, language),
    checkApi: (markdown) =>
      // Names are only checked in code blocks; an answer without a fence (most prose) skips the three scans.
      hasFence(markdown) ? mergeChecks(checkApi(markdown, names), ...OTHER_LANGUAGES.flatMap((l) => checkLanguage(markdown, l))) : { checked: 0, unknown: [] },
  }

  /** A language's ```java / ```rust blocks against its own index (nothing when this folder has no such corpus). */
  function checkLanguage(markdown: string, language: (typeof OTHER_LANGUAGES)[number]): ApiCheck[] {
    const corpus = corpora.get(language)
    return corpus ? [checkTypedApi(markdown, language, corpus.names)] : []
  }

  /** One language's ranking; a question naming several languages gets theirs interleaved (a comparison). */
  function rankIn(question: string, recentTurns: readonly string[], limit: number, editor: string | undefined): Hit[] {
    const { languages } = chooseLanguages(question, editor, available)
    const lists = languages.map((language) => {
      const corpus = corpora.get(language)!
      return rank(corpus.search, corpus.names, question, recentTurns, limit)
    })
    if (lists.length === 1) return lists[0]!
    const out: Hit[] = []
    for (let i = 0; out.length < limit && lists.some((list) => i < list.length); i++) for (const list of lists) if (list[i] && out.length < limit) out.push(list[i]!)
    return out
  }
}

const hasFence = (markdown: string) => markdown.includes('```') || markdown.includes('~~~')

function mergeChecks(...checks: ApiCheck[]): ApiCheck {
  return { checked: checks.reduce((n, c) => n + c.checked, 0), unknown: checks.flatMap((c) => c.unknown) }
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

/**
 * Per index, a score and a seen mark per passage and the passages found, reused by every ranking (rankings run one
 * at a time, synchronously) instead of a Map and a Hit object per passage; the entries a ranking touched are
 * cleared after it.
 */
interface RankScratch {
  scores: Float64Array
  seen: Uint8Array
  /** The passages found, in the order they were first found. */
  found: Int32Array
}
const rankScratch = new WeakMap<SearchIndex, RankScratch>()

function rankScratchOf(index: SearchIndex): RankScratch {
  let scratch = rankScratch.get(index)
  if (!scratch) rankScratch.set(index, (scratch = { scores: new Float64Array(index.size), seen: new Uint8Array(index.size), found: new Int32Array(index.size) }))
  return scratch
}

/** Adds a query's hits, times `weight`, to the scratch scores; returns how many passages are found now. */
function addHits(scratch: RankScratch, found: number, ranked: RankedDocs, weight: number): number {
  const { scores, seen } = scratch
  const { docs } = ranked
  for (let k = 0; k < docs.length; k++) {
    const doc = docs[k]!
    if (seen[doc] === 0) {
      seen[doc] = 1
      scratch.found[found++] = doc
    }
    scores[doc]! += ranked.scores[k]! * weight
  }
  return found
}

/** `seen` of a passage already picked by rank() (1: found). */
const TAKEN = 2

/** The API classes the question names exactly (AccountId, TokenCreateTransaction), or undefined for none. */
function namedClasses(question: string, names: ApiNames): Set<string> | undefined {
  const words = question.slice(0, MAX_QUERY_CHARS).match(/\b[A-Z][A-Za-z0-9]{3,}\b/g)
  const named = words?.filter((word) => names.hasClass(word))
  return named && named.length > 0 ? new Set(named) : undefined
}

const isNamedEntry = (passage: Passage, named: ReadonlySet<string>) => passage.kind === 'api' && named.has(passage.sourceId)

/** Search hits for the question (and, weaker, the recent turns), at most MAX_PER_SOURCE per source. */
function rank(index: SearchIndex, names: ApiNames, question: string, recentTurns: readonly string[], limit: number): Hit[] {
  const scratch = rankScratchOf(index)
  const { scores, seen, found } = scratch
  const { passages } = index
  let n = 0
  try {
    n = addHits(scratch, n, index.ranked(question.slice(0, MAX_QUERY_CHARS)), 1)
    // A follow-up ("and how do I pay for it?") leans on the turns before it, weighted down. Each turn is searched
    // alone and as it was when it was the question, so its hits are the ones cached then: no search of its own.
    for (const turn of recentTurns.slice(-RECENT_TURNS)) if (turn.trim()) n = addHits(scratch, n, index.ranked(turn.slice(0, MAX_QUERY_CHARS)), RECENT_WEIGHT)
    // A class named exactly in the question is wanted: its entry goes right after the best hit.
    const named = namedClasses(question, names)
    let top = 0
    if (named) for (let i = 0; i < n; i++) top = Math.max(top, scores[found[i]!]!)
    const out: Hit[] = []
    // The best passage not yet taken, until `limit` are kept: a question keeps a handful of the ~40-120 found, so
    // picking them costs less than sorting all (and allocates nothing per passage). The order is what two stable
    // sorts gave, by score and then by score with the named classes raised: raised score, then score, then the
    // order the passages were found in.
    while (out.length < limit) {
      let best = -1
      let bestRaised = -Infinity
      let bestScore = -Infinity
      for (let i = 0; i < n; i++) {
        const doc = found[i]!
        if (seen[doc] === TAKEN) continue
        const score = scores[doc]!
        const raised = named && score < top && isNamedEntry(passages[doc]!, named) ? top * 0.999 : score
        if (raised > bestRaised || (raised === bestRaised && score > bestScore)) {
          best = doc
          bestRaised = raised
          bestScore = score
        }
      }
      if (best === -1) break
      seen[best] = TAKEN
      const passage = passages[best]!
      let same = 0
      for (const hit of out) if (hit.passage.kind === passage.kind && hit.passage.sourceId === passage.sourceId) same++
      if (same < MAX_PER_SOURCE) out.push({ passage, score: bestRaised, doc: best })
    }
    return out
  } finally {
    for (let i = 0; i < n; i++) {
      scores[found[i]!] = 0
      seen[found[i]!] = 0
    }
  }
}
