/** Builds the API index of the Java SDK from its sources jar (unpacked): public top-level types, public members, javadoc. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiClass, ApiEnum, ApiIndex, ApiMethod } from '../../app/src/knowledge/api-index.js'
import { PINNED, sourceDigest } from './pinned-sdks.js'

/** The SDK's own package; its sub-packages (generated protobuf, internals) are not what users call. */
export const JAVA_PACKAGE_DIR = 'com/hedera/hashgraph/sdk'

interface TypeDecl {
  cls: ApiClass
  kind: string
  typeParams: string[]
  enumMembers?: string[]
}

/** Reads every `*.java` directly in the SDK package of `sourcesDir` (the unpacked sources jar). */
export function buildJavaApiIndex(sourcesDir: string): ApiIndex {
  const dir = join(sourcesDir, JAVA_PACKAGE_DIR)
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.java') && n !== 'package-info.java')
    .sort()
  const texts = names.map((n) => readFileSync(join(dir, n), 'utf8'))
  const classes: ApiClass[] = []
  const enums: ApiEnum[] = []
  for (const text of texts) {
    const decl = parseJavaFile(text)
    if (!decl) continue
    classes.push(decl.cls)
    if (decl.enumMembers?.length) enums.push({ name: decl.cls.name, members: decl.enumMembers.map((m) => ({ name: m, value: m })) })
  }
  return { sdk: PINNED.java.sdk, version: PINNED.java.version, sourceDigest: sourceDigest(texts.map((t) => Buffer.from(t))), classes, enums, functions: [] }
}

/** Comments other than javadoc, strings and char literals blanked; javadoc kept so it can be read. */
function clean(text: string): string {
  return text.replace(/\/\*\*[\s\S]*?\*\/|\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])'/g, (m) =>
    m.startsWith('/**') ? m.replace(/[{}]/g, ' ') : m.startsWith('/*') || m.startsWith('//') ? m.replace(/[^\n]/g, ' ') : m[0] === '"' ? '""' : "' '",
  )
}

/** One public top-level type with its public members, or undefined for a package-private file. */
export function parseJavaFile(source: string): TypeDecl | undefined {
  const text = clean(source)
  let depth = 0
  let doc = ''
  let decl: TypeDecl | undefined
  let statement = ''
  let enumConstantsOpen = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (text.startsWith('/**', i)) {
      const end = text.indexOf('*/', i)
      doc = text.slice(i, end + 2)
      i = end + 1
      continue
    }
    if (ch === '{' || ch === ';' || ch === '}') {
      const head = statement.replace(/@\w+(?:\([^)]*\))?/g, ' ').replace(/\s+/g, ' ').trim()
      if (ch === '{' || ch === ';') {
        if (depth === 0 && ch === '{' && !decl) decl = typeDecl(head, doc)
        else if (depth === 1 && decl) {
          if (enumConstantsOpen) {
            for (const name of head.split(',').map((part) => /^([A-Z][A-Z0-9_]*)\b/.exec(part.trim())?.[1])) if (name) decl.enumMembers!.push(name)
            if (ch === ';' || !/^[A-Z][A-Z0-9_]*\s*(\(.*\))?$/.test(head.split(',').at(-1)!.trim())) enumConstantsOpen = false
          }
          member(head, ch, doc, decl)
        }
        if (depth === 0 && decl && ch === '{') enumConstantsOpen = decl.kind === 'enum'
      }
      if (ch === '{') depth++
      else if (ch === '}') depth--
      statement = ''
      doc = ch === '{' || ch === ';' || ch === '}' ? '' : doc
      continue
    }
    statement += ch
  }
  return decl
}

function typeDecl(head: string, doc: string): TypeDecl | undefined {
  // Package-private abstract bases (Executable, Query) are kept: their public methods are called through subclasses.
  const m = /^(?:public\s+|(?=abstract\s))(?:(?:abstract|final|sealed|non-sealed|static|strictfp)\s+)*(class|interface|enum|record)\s+(\w+)(\s*<.*?>)?(?:\s*\([^)]*\))?(?:\s+extends\s+([\w.]+))?/.exec(withoutNestedGenerics(head))
  if (!m) return undefined
  const summary = docSummary(doc)
  const deprecated = /@deprecated\s+([^@]*)/.exec(doc)?.[1]?.replace(/\s*\*\s*/g, ' ').trim()
  // Only a self-bounded parameter (`T extends Transaction<T>`) stands for the builder itself; others (Executable's O) are results.
  const typeParams = [...(m[3] ?? '').matchAll(/[<,]\s*(\w+)/g)].map((t) => t[1]!).filter((p) => new RegExp(`\\b${p}\\s+extends\\s+${m[2]}<[^>]*\\b${p}>`).test(head))
  const cls: ApiClass = { name: m[2]!, ...(summary ? { summary } : {}), ...(deprecated !== undefined ? { deprecated: deprecated || 'deprecated' } : {}), ...(m[4] && m[1] !== 'interface' ? { extends: m[4].split('.').at(-1)! } : {}), methods: [] }
  return { cls, kind: m[1]!, typeParams, ...(m[1] === 'enum' ? { enumMembers: [] } : {}) }
}

/** `Transaction<T extends Transaction<T>> extends Executable<A, B>` -> `Transaction<T extends Transaction> extends Executable`. */
function withoutNestedGenerics(head: string): string {
  let out = head
  for (let before = ''; before !== out; ) {
    before = out
    out = out.replace(/(<[^<>]*)<[^<>]*>/g, '$1').replace(/(extends\s+[\w.]+)<[^<>]*>/g, '$1')
  }
  return out
}

function member(head: string, ch: string, doc: string, decl: TypeDecl): void {
  const isPublic = /^public\b/.test(head) || (decl.kind === 'interface' && !/^(private|protected)\b/.test(head))
  if (!isPublic || /\b(class|interface|enum|record)\s+\w+/.test(head)) return
  const fieldMatch = /^public\s+static\s+final\s+[\w.<>,?\s[\]]+?\s+(\w+)\s*(=.*)?$/.exec(head)
  if (ch === ';' && fieldMatch && !head.includes('(')) {
    ;(decl.cls.constants ??= []).push(fieldMatch[1]!)
    return
  }
  const m = /^(?:public\s+)?((?:(?:static|final|synchronized|abstract|default|native)\s+)*)(?:<[^()]*?>\s+)?([\w.]+(?:\s*<.*?>)?(?:\[\])*)\s+(\w+)\s*\((.*)\)\s*(?:throws\s+[\w.,\s]+)?$/.exec(head)
  if (!m) return
  const [, modifiers, ret, name, params] = m
  if (name === decl.cls.name) return
  const returned = decl.typeParams.includes(ret!) ? 'this' : ret!.replace(/\s+/g, '')
  const summary = docSummary(doc)
  const deprecated = /@deprecated/.test(doc) ? (/@deprecated\s+([^@]*)/.exec(doc)?.[1]?.replace(/\s*\*\s*/g, ' ').trim() || 'deprecated') : undefined
  const method: ApiMethod = { name: name!, ...(/\bstatic\b/.test(modifiers!) ? { static: true } : {}), signature: `(${params!.replace(/\bfinal\s+/g, '').trim()}): ${returned}`, ...(summary ? { summary } : {}), ...(deprecated ? { deprecated } : {}) }
  if (!decl.cls.methods.some((x) => x.name === method.name && !!x.static === !!method.static)) decl.cls.methods.push(method)
}

/** The javadoc's first sentence, tags and html removed. */
function docSummary(doc: string): string | undefined {
  if (!doc) return undefined
  const body = doc
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .join(' ')
    .split(/\s@(?:param|return|throws|deprecated|see|since|author)\b/)[0]!
  const flat = body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\{?@(?:link|code|linkplain)\s+([^ }]+)\s*}?/g, '`$1`')
    .replace(/\s+/g, ' ')
    .trim()
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat
  return sentence ? sentence.slice(0, 300) : undefined
}
