/** The knowledge base: the committed API index and the guides, loaded and indexed once at start. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiCheck } from '../protocol/frames.js'
import { checkApi } from './api-check.js'
import { parseApiIndex, type ApiIndex } from './api-index.js'
import { createApiNames, type ApiNames } from './api-names.js'
import { readGuides, type Guide } from './guide-file.js'
import { apiPassages, guidePassages, type Passage } from './passages.js'
import { createLru } from './lru.js'
import { buildSearchIndex, type Hit, type SearchIndex } from './search-index.js'

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
  /**
   * The best passages for a question, with the recent turns as weaker context. The same (question, recent turns)
   * returns the same frozen array while it is cached, so work built on it (the context block) can be reused.
   */
  retrieve(question: string, recentTurns?: readonly string[], limit?: number): readonly Passage[]
  /** Ranked hits with scores (for the search endpoint and the evaluation). */
  search(query: string, limit: number): Hit[]
  checkApi(markdown: string): ApiCheck
}

/** Passages per guide or class in one answer: several sources beat three sections of one guide. */
const MAX_PER_SOURCE = 2
/** Words beyond this say little more about what is asked and cost search time. */
const MAX_QUERY_CHARS = 2000
const RECENT_WEIGHT = 0.35
/** Turns before the question that are searched: a follow-up leans on what was just asked, not on the whole chat. */
const RECENT_TURNS = 2
/** Words searched per recent turn: context, weighted down, so fewer than the question's own. */
const RECENT_TURN_WORDS = 12

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
  const passages = [...guides.flatMap(guidePassages), ...apiPassages(index)]
  const searchIndex = buildSearchIndex(passages, options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize })
  // One search at start compiles the search path, so the first user's question does not pay for it.
  searchIndex.search('associate a token with an account', 1)
  const names = createApiNames(index)
  const retrievals = createLru<string, readonly Passage[]>(options.cacheSize ?? DEFAULT_RETRIEVAL_CACHE)
  const stats: KnowledgeStats = {
    sdkVersion: index.version,
    guides: guides.length,
    classes: index.classes.length,
    passages: passages.length,
    buildMs: Math.round((performance.now() - started) * 10) / 10,
    buildCpuMs: Math.round(cpuMs(process.cpuUsage(cpuBefore)) * 10) / 10,
    heapBytes: Math.max(0, process.memoryUsage().heapUsed - heapBefore),
  }
  return {
    index,
    guides,
    names,
    stats,
    retrieve: function retrieve(question, recentTurns = [], limit = 6) {
      const recent = recentTurns.slice(-RECENT_TURNS)
      const key = `${limit}\u0000${question.slice(0, MAX_QUERY_CHARS)}\u0000${recent.map((turn) => turn.slice(-MAX_QUERY_CHARS)).join('\u0000')}`
      const cached = retrievals.get(key)
      if (cached) return cached
      const passages = Object.freeze(rank(searchIndex, names, question, recent, limit).map((hit) => hit.passage))
      retrievals.set(key, passages)
      return passages
    },
    search: (query, limit) => rank(searchIndex, names, query, [], limit),
    checkApi: (markdown) => checkApi(markdown, names),
  }
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

/** Search hits for the question (and, weaker, the recent turns), at most MAX_PER_SOURCE per source. */
function rank(index: SearchIndex, names: ApiNames, question: string, recentTurns: readonly string[], limit: number): Hit[] {
  // Keyed by the passage object: no string hashing per hit, on the path every question takes.
  const scores = new Map<Passage, Hit>()
  const add = (hits: readonly Hit[], weight: number) => {
    for (const { passage, score } of hits) {
      const entry = scores.get(passage)
      if (entry) entry.score += score * weight
      else scores.set(passage, { passage, score: score * weight })
    }
  }
  add(index.search(question.slice(0, MAX_QUERY_CHARS), 40), 1)
  // A follow-up ("and how do I pay for it?") leans on the turns before it. Each turn is searched alone, so its hits
  // are cached and the next question of the conversation, which has it among its recent turns too, reuses them.
  for (const turn of recentTurns.slice(-RECENT_TURNS)) if (turn.trim()) add(index.search(turn.slice(-MAX_QUERY_CHARS), 40, RECENT_TURN_WORDS), RECENT_WEIGHT)
  const ranked = [...scores.values()].sort((a, b) => b.score - a.score)
  // A class named exactly in the question is wanted: its entry goes right after the best hit.
  const top = ranked[0]?.score ?? 0
  const named = new Set((question.slice(0, MAX_QUERY_CHARS).match(/\b[A-Z][A-Za-z0-9]{3,}\b/g) ?? []).filter((word) => names.hasClass(word)))
  if (named.size > 0) {
    for (const entry of ranked) if (entry.passage.kind === 'api' && named.has(entry.passage.sourceId) && entry.score < top) entry.score = top * 0.999
    ranked.sort((a, b) => b.score - a.score)
  }
  const perSource = { guide: new Map<string, number>(), api: new Map<string, number>() }
  const out: Hit[] = []
  for (const hit of ranked) {
    const counts = perSource[hit.passage.kind]
    const n = counts.get(hit.passage.sourceId) ?? 0
    if (n >= MAX_PER_SOURCE) continue
    counts.set(hit.passage.sourceId, n + 1)
    out.push(hit)
    if (out.length >= limit) break
  }
  return out
}
