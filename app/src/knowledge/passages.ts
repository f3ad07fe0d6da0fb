/** Guides and API entries -> passages: the unit that is searched, cited and put in front of the model. */
import type { Source } from '../protocol/frames.js'
import type { ApiClass, ApiEnum, ApiIndex } from './api-index.js'
import type { Guide } from './guide-file.js'

export type SearchField = 'title' | 'heading' | 'tags' | 'apis' | 'text'

export interface Passage {
  /** Unique: `guide-id#section-n` or `api:ClassName`. */
  id: string
  kind: Source['kind']
  /** The guide's id or the class name: what a source points at. */
  sourceId: string
  /** The guide's (or class's) title. */
  title: string
  /** The section heading (guides) or the class name (API). */
  heading: string
  text: string
  /** What is searched instead of `text` when they differ: an API entry's signatures are shown, not searched. */
  searchText?: string
  /** The only fields searched, when not all of them are. */
  searchOnly?: SearchField[]
  tags: string[]
  apis: string[]
  /** The guide's complete TypeScript example (shared by its passages; type-checked against the SDK). */
  example?: string
}

const MAX_API_METHODS_IN_TEXT = 40

export function guidePassages(guide: Guide): Passage[] {
  const example = guide.examples[0]
  const common = { kind: 'guide' as const, sourceId: guide.id, title: guide.title, tags: guide.tags, apis: guide.apis, ...(example ? { example } : {}) }
  // The intro is a passage of its own so a question about what the guide is for finds it. It alone carries the
  // guide's title, tags and SDK names for search: repeating them on every section would only make the index slower.
  return [
    { ...common, id: `${guide.id}#intro`, heading: guide.title, text: guide.intro },
    ...guide.sections.map((section, n) => ({ ...common, id: `${guide.id}#${n + 1}`, heading: section.heading, text: section.text, searchOnly: ['heading', 'text'] as SearchField[] })),
  ]
}

export function apiPassages(index: ApiIndex): Passage[] {
  const enums = new Map(index.enums.map((e) => [e.name, e]))
  return index.classes.map((entry) => apiPassage(entry, enums.get(entry.name), index.version))
}

function apiPassage(entry: ApiClass, enumOf: ApiEnum | undefined, version: string): Passage {
  const methods = entry.methods.slice(0, MAX_API_METHODS_IN_TEXT).map((m) => `${m.static ? `${entry.name}.` : '.'}${m.name}${m.signature}${m.deprecated ? ' (deprecated)' : ''}`)
  const lines = [
    `${entry.name}${entry.extends ? ` (extends ${entry.extends})` : ''} in @hiero-ledger/sdk ${version}.`,
    entry.summary ?? '',
    entry.deprecated ? `Deprecated: ${entry.deprecated}` : '',
    methods.length ? `Methods: ${methods.join('; ')}` : '',
    // Status members are searched by their wire names (TOKEN_NOT_ASSOCIATED_TO_ACCOUNT).
    enumOf ? `Values: ${enumOf.members.map((m) => `${m.name} (${m.value})`).join(', ')}` : '',
  ]
  // Method names are searched through `apis`; their summaries and signatures are for reading.
  const searchText = [entry.summary ?? '', entry.deprecated ?? '', enumOf ? enumOf.members.map((m) => m.value).join(' ') : '']
  return {
    id: `api:${entry.name}`,
    kind: 'api',
    sourceId: entry.name,
    title: entry.name,
    heading: entry.name,
    text: lines.filter(Boolean).join('\n'),
    searchText: searchText.filter(Boolean).join('\n'),
    tags: [],
    apis: [entry.name, ...entry.methods.map((m) => m.name)],
  }
}

/** One source per guide or class, in the order of the passages. */
export function sourcesOf(passages: readonly Passage[]): Source[] {
  const seen = new Set<string>()
  const sources: Source[] = []
  for (const p of passages) {
    const key = `${p.kind}:${p.sourceId}`
    if (seen.has(key)) continue
    seen.add(key)
    sources.push({ id: p.sourceId, title: p.title, kind: p.kind })
  }
  return sources
}
