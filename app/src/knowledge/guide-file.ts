/** Parses the project's task guides (knowledge/guides/**.md): front matter, intro, `##` sections, examples in the guide's language. */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

export interface GuideSection {
  heading: string
  /** The section's prose (and any non-TypeScript blocks such as a curl line); TypeScript examples are in `examples`. */
  text: string
}

/** The SDK a guide (and a passage, an answer) is about: the editor's language, JavaScript/TypeScript counting as one. */
export type SdkLanguage = 'javascript' | 'java' | 'rust'
export const SDK_LANGUAGES: readonly SdkLanguage[] = ['javascript', 'java', 'rust']

/** The fence of each language's examples, and what the "no example" error asks for. */
const EXAMPLE_FENCE: Record<SdkLanguage, { fence: RegExp; ask: string }> = {
  javascript: { fence: /^(ts|typescript)$/i, ask: '```ts example; add one complete TypeScript example importing from @hiero-ledger/sdk' },
  java: { fence: /^java$/i, ask: '```java example; add one complete Java class with a main method using com.hedera.hashgraph.sdk' },
  rust: { fence: /^rust$/i, ask: '```rust example; add one complete Rust program using the hiero_sdk crate' },
}

export interface Guide {
  id: string
  /** `language:` in the front matter; JavaScript when absent. */
  language: SdkLanguage
  title: string
  tags: string[]
  /** SDK names the guide uses: exported classes or enums, or `Class.method`. */
  apis: string[]
  intro: string
  sections: GuideSection[]
  /** Each block in the guide's language (```ts, ```java, ```rust), in order; the first is the guide's complete example. */
  examples: string[]
}

/** A guide file that does not follow the format; the message names the file, the problem and the fix. */
export class GuideFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`)
    this.name = 'GuideFileError'
  }
}

const FIELDS = ['id', 'title', 'tags', 'apis', 'language'] as const
type Field = (typeof FIELDS)[number]
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** Parses one guide; `file` is its path, used in errors and to check that `id` equals the file name. */
export function parseGuideFile(source: string, file: string): Guide {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const { fields, bodyStart } = readFrontMatter(lines, file)
  const fileId = basename(file).replace(/\.md$/, '')
  const id = scalar(fields, 'id', file)
  if (!KEBAB.test(id)) throw new GuideFileError(file, `id "${id}" is not kebab-case; use lower-case words joined by hyphens.`)
  if (id !== fileId) throw new GuideFileError(file, `id "${id}" differs from the file name; rename the file to ${id}.md or set id: ${fileId}.`)
  const title = scalar(fields, 'title', file)
  const tags = list(fields, 'tags', file)
  const apis = list(fields, 'apis', file)
  const language = languageOf(fields, file)
  const body = readBody(lines.slice(bodyStart), file, EXAMPLE_FENCE[language].fence)
  if (!body.intro) throw new GuideFileError(file, 'there is no intro; write one to three sentences between the front matter and the first ## heading.')
  if (body.sections.length === 0) throw new GuideFileError(file, 'there is no ## section; split the guide into at least one ## section.')
  if (body.examples.length === 0) throw new GuideFileError(file, `there is no ${EXAMPLE_FENCE[language].ask}.`)
  return { id, language, title, tags, apis, ...body }
}

/** Parses several guides and rejects a duplicate id, naming both files. */
export function parseGuideFiles(files: { file: string; source: string }[]): Guide[] {
  const seen = new Map<string, string>()
  return files.map(function parseOne({ file, source }) {
    const guide = parseGuideFile(source, file)
    const earlier = seen.get(guide.id)
    if (earlier) throw new GuideFileError(file, `id "${guide.id}" is already used by ${earlier}; give each guide its own id.`)
    seen.set(guide.id, file)
    return guide
  })
}

/** Reads and parses every *.md guide in `dir` (README.md excluded), sorted by file name. */
export function readGuides(dir: string): Guide[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .sort()
  return parseGuideFiles(names.map((name) => ({ file: join(dir, name), source: readFileSync(join(dir, name), 'utf8') })))
}

function readFrontMatter(lines: string[], file: string) {
  if (lines[0]?.trim() !== '---') throw new GuideFileError(file, 'the file does not start with front matter; begin it with a --- line, the id/title/tags/apis fields, and a closing --- line.')
  const end = lines.indexOf('---', 1)
  if (end < 0) throw new GuideFileError(file, 'the front matter is not closed; add a --- line after the apis field.')
  const fields = new Map<Field, string>()
  for (let i = 1; i < end; i++) {
    const line = stripComment(lines[i] ?? '').trim()
    if (!line) continue
    const match = /^([A-Za-z_]+):\s*(.*)$/.exec(line)
    if (!match) throw new GuideFileError(file, `front matter line ${i + 1} ("${line}") is not "key: value"; write each field as key: value.`)
    const key = match[1] as Field
    if (!FIELDS.includes(key)) throw new GuideFileError(file, `front matter field "${match[1]}" is unknown; use only ${FIELDS.join(', ')}.`)
    if (fields.has(key)) throw new GuideFileError(file, `front matter field "${key}" appears twice; keep one.`)
    fields.set(key, match[2] ?? '')
  }
  return { fields, bodyStart: end + 1 }
}

/** Front matter allows `# comments` after a value; values here never contain " #". */
function languageOf(fields: Map<Field, string>, file: string): SdkLanguage {
  const value = unquote(fields.get('language')?.trim() ?? '') || 'javascript'
  if (!(SDK_LANGUAGES as readonly string[]).includes(value)) throw new GuideFileError(file, `front matter language "${value}" is unknown; use one of ${SDK_LANGUAGES.join(', ')} (or leave it out for javascript).`)
  return value as SdkLanguage
}

function stripComment(line: string): string {
  const at = line.search(/\s#/)
  return at < 0 ? line : line.slice(0, at)
}

function scalar(fields: Map<Field, string>, key: Field, file: string): string {
  const value = unquote(fields.get(key)?.trim() ?? '')
  if (!value) throw new GuideFileError(file, `front matter is missing "${key}"; add a "${key}:" line between the --- lines.`)
  return value
}

function list(fields: Map<Field, string>, key: Field, file: string): string[] {
  const raw = fields.get(key)?.trim()
  if (!raw) throw new GuideFileError(file, `front matter is missing "${key}"; add a "${key}: [a, b]" line between the --- lines.`)
  if (!raw.startsWith('[') || !raw.endsWith(']')) throw new GuideFileError(file, `front matter "${key}" is not a list; write it as ${key}: [a, b].`)
  const items = raw
    .slice(1, -1)
    .split(',')
    .map((item) => unquote(item.trim()))
    .filter(Boolean)
  if (items.length === 0) throw new GuideFileError(file, `front matter "${key}" is empty; list at least one entry.`)
  return items
}

function unquote(value: string): string {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value
}

function readBody(lines: string[], file: string, exampleFence: RegExp) {
  const intro: string[] = []
  const sections: { heading: string; lines: string[] }[] = []
  const examples: string[] = []
  let fence: { lang: string; ts: boolean; lines: string[] } | undefined
  for (const line of lines) {
    const marker = /^```\s*(\S*)\s*$/.exec(line)
    if (fence) {
      if (marker && marker[1] === '') {
        if (fence.ts) examples.push(fence.lines.join('\n').trim() + '\n')
        else current().push('```' + fence.lang, ...fence.lines, '```')
        fence = undefined
      } else {
        fence.lines.push(line)
      }
      continue
    }
    if (marker) {
      const lang = marker[1] ?? ''
      fence = { lang, ts: exampleFence.test(lang), lines: [] }
      continue
    }
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading && !line.startsWith('###')) {
      sections.push({ heading: heading[1] ?? '', lines: [] })
      continue
    }
    current().push(line)
  }
  if (fence) throw new GuideFileError(file, 'a ``` code block is never closed; add a closing ``` line.')
  return {
    intro: tidy(intro),
    sections: sections.map((section) => ({ heading: section.heading, text: tidy(section.lines) })),
    examples,
  }

  function current(): string[] {
    return sections.at(-1)?.lines ?? intro
  }
}

function tidy(lines: string[]): string {
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()
}
