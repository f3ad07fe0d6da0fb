/** The API-name check alone over one file (check_code without the code unit): each unknown name placed on its line with a fix when one is certain. */
import type { ApiIndex } from '../knowledge/api-index.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { CodeCheckResult, CodeLanguage, Diagnostic, Patch } from './code-checks.js'
import { closest, escapeRegExp } from './near-names.js'

/** Diagnostics beyond this say little more and cost the agent's context. */
export const MAX_DIAGNOSTICS = 50
const SOURCE = 'hedera-api'

interface Place {
  line: number
  column: number
  endColumn: number
  /** Offset of the unknown name's last segment within its line (0-based), what a fix replaces. */
  nameAt: number
}

export function createApiNameCheck(knowledge: Pick<KnowledgeBase, 'checkApi' | 'index'>): (code: string, language: CodeLanguage) => Promise<CodeCheckResult> {
  const vocabulary = vocabularyOf(knowledge.index)
  return async function checkApiNames(code, language) {
    const longestTicks = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length))
    // A fence longer than any backtick run inside, so a template literal cannot end the block early.
    const fence = '`'.repeat(Math.max(3, longestTicks + 1))
    const { unknown } = knowledge.checkApi(`${fence}${language === 'javascript' ? 'js' : 'ts'}\n${code}\n${fence}\n`)
    const lines = code.split('\n')
    const diagnostics: Diagnostic[] = []
    const patches: Patch[] = []
    for (const name of unknown.slice(0, MAX_DIAGNOSTICS)) {
      const place = locate(lines, name)
      const lastSegment = name.split('.').at(-1)!
      const suggestion = suggest(vocabulary, name)
      const label = name.startsWith('.') ? `The method ${lastSegment}` : name
      diagnostics.push({
        line: place.line,
        column: place.column,
        endLine: place.line,
        endColumn: place.endColumn,
        severity: 'error',
        message: `${label} is not in ${knowledge.index.sdk} ${knowledge.index.version}${suggestion ? `; did you mean ${suggestion}?` : '; look the class up with lookup_sdk_api'}`,
        source: SOURCE,
      })
      if (suggestion && place.nameAt >= 0) {
        const text = lines[place.line - 1]!
        const replacement = suggestion.split('.').at(-1)!
        patches.push({
          mode: 'replace',
          startLine: place.line,
          endLine: place.line,
          code: text.slice(0, place.nameAt) + replacement + text.slice(place.nameAt + lastSegment.length),
          title: `Use ${suggestion} instead of ${lastSegment}`,
          source: SOURCE,
        })
      }
    }
    return { language, checks: [SOURCE], diagnostics, patches, omitted: Math.max(0, unknown.length - MAX_DIAGNOSTICS) }
  }
}

/** The first line that uses the name outside a line comment; line 1 when it cannot be found. */
function locate(lines: string[], name: string): Place {
  const [head, member] = (name.startsWith('.') ? [undefined, name.slice(1)] : name.split('.')).map((part) => part && escapeRegExp(part)) as [string | undefined, string | undefined]
  const patterns: RegExp[] = []
  if (head && member) patterns.push(new RegExp(`\\b${head}\\s*\\.\\s*(${member})\\b`))
  if (member) patterns.push(new RegExp(`\\.\\s*(${member})\\s*\\(`), new RegExp(`\\.\\s*(${member})\\b`))
  else if (head) patterns.push(new RegExp(`\\b(${head})\\b`))
  for (const pattern of patterns) {
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!
      const match = pattern.exec(text)
      if (!match) continue
      const comment = text.indexOf('//')
      if (comment >= 0 && comment < match.index) continue
      const nameAt = match.index + match[0].lastIndexOf(match[1]!)
      return { line: i + 1, column: match.index + 1, endColumn: nameAt + match[1]!.length + 1, nameAt }
    }
  }
  return { line: 1, column: 1, endColumn: 1, nameAt: -1 }
}

interface Vocabulary {
  classes: string[]
  /** Members reachable on a class (own and inherited, static and instance, constants, enum members). */
  membersOf(cls: string): string[]
  allMethods: string[]
}

function vocabularyOf(index: ApiIndex): Vocabulary {
  const byName = new Map(index.classes.map((c) => [c.name, c]))
  const enums = new Map(index.enums.map((e) => [e.name, e.members.map((m) => m.name)]))
  const membersOf = (cls: string): string[] => {
    const out = new Set<string>()
    for (let entry = byName.get(cls), hops = 0; entry && hops < 10; entry = entry.extends ? byName.get(entry.extends) : undefined, hops++) {
      for (const m of entry.methods) out.add(m.name)
      for (const c of entry.constants ?? []) out.add(c)
      for (const m of enums.get(entry.name) ?? []) out.add(m)
    }
    return [...out]
  }
  const allMethods = [...new Set(index.classes.flatMap((c) => c.methods.filter((m) => !m.static).map((m) => m.name)))]
  return { classes: [...index.classes.map((c) => c.name), ...index.functions], membersOf, allMethods }
}

/** One close name, only when it is the single best candidate: a wrong fix is worse than none. */
function suggest(vocabulary: Vocabulary, name: string): string | undefined {
  if (name.startsWith('.')) {
    const found = closest(name.slice(1), vocabulary.allMethods)
    return found && `.${found}`
  }
  const [cls, member] = name.split('.') as [string, string | undefined]
  if (member === undefined) return closest(cls, vocabulary.classes)
  const found = closest(member, vocabulary.membersOf(cls))
  return found && `${cls}.${found}`
}
