/** Builds the API index of the `hiero-sdk` crate from its source: exported types, their `pub fn`s and doc comments. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiClass, ApiEnum, ApiIndex, ApiMethod } from '../../app/src/knowledge/api-index.js'
import { PINNED, sourceDigest } from './pinned-sdks.js'

interface Decl {
  name: string
  summary?: string
  deprecated?: string
  extends?: string
  kind: 'struct' | 'enum' | 'type' | 'trait'
  variants: string[]
}

/** Reads `<crateDir>/src` and returns the index of the names lib.rs exports. */
export function buildRustApiIndex(crateDir: string, protoCrateDir?: string): ApiIndex {
  const src = join(crateDir, 'src')
  const files = rustFiles(src)
  const exported = exportedNames(readFileSync(join(src, 'lib.rs'), 'utf8'))
  const decls = new Map<string, Decl>()
  const methods = new Map<string, ApiMethod[]>()
  for (const file of files) scanFile(readFileSync(file, 'utf8'), decls, methods)
  const classes: ApiClass[] = []
  const enums: ApiEnum[] = []
  const functions: string[] = []
  for (const name of [...exported].sort()) {
    const decl = decls.get(name)
    if (!decl) {
      functions.push(name)
      continue
    }
    const own = dedupe(methods.get(name) ?? [])
    classes.push({
      name,
      ...(decl.summary ? { summary: decl.summary } : {}),
      ...(decl.deprecated ? { deprecated: decl.deprecated } : {}),
      ...(decl.extends ? { extends: decl.extends } : {}),
      methods: own,
      ...(decl.kind === 'enum' && decl.variants.length ? { constants: decl.variants } : {}),
    })
    if (decl.kind === 'enum' && decl.variants.length) enums.push({ name, members: decl.variants.map((v) => ({ name: v, value: v })) })
  }
  // `Status` is the protobuf response code enum re-exported under another name: its variants come from the .proto file.
  const proto = protoCrateDir ? findFile(protoCrateDir, 'response_code.proto') : undefined
  const digestInputs = files.map((f) => readFileSync(f))
  if (proto) {
    const text = readFileSync(proto, 'utf8')
    digestInputs.push(Buffer.from(text))
    const members = statusMembers(text)
    const at = functions.indexOf('Status')
    if (at >= 0 && members.length) {
      functions.splice(at, 1)
      classes.push({ name: 'Status', summary: 'The response code of a transaction or query (the protobuf ResponseCodeEnum, re-exported).', methods: [], constants: members.map((m) => m.name) })
      classes.sort((a, b) => (a.name < b.name ? -1 : 1))
      enums.push({ name: 'Status', members })
      enums.sort((a, b) => (a.name < b.name ? -1 : 1))
    }
  }
  return { sdk: PINNED.rust.sdk, version: PINNED.rust.version, sourceDigest: sourceDigest(digestInputs), classes, enums, functions }
}

/** prost names each `UPPER_SNAKE = n;` value of the enum in UpperCamelCase (INVALID_SIGNATURE -> InvalidSignature). */
function statusMembers(proto: string): { name: string; value: string }[] {
  const body = /enum ResponseCodeEnum\s*\{([\s\S]*?)\n\}/.exec(proto)?.[1] ?? ''
  return [...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=\s*\d+/gm)].map((m) => ({
    name: m[1]!.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
    value: m[1]!,
  }))
}

function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (entry === name) return path
    if (statSync(path).isDirectory()) {
      const found = findFile(path, name)
      if (found) return found
    }
  }
  return undefined
}

function rustFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...rustFiles(path))
    else if (name.endsWith('.rs')) out.push(path)
  }
  return out
}

/** Every name in lib.rs's `pub use` items (the alias when renamed); module paths and `self` are skipped. */
export function exportedNames(lib: string): Set<string> {
  const names = new Set<string>()
  for (const match of lib.matchAll(/^pub use ([^;]+);/gm)) {
    const body = match[1]!
    const inner = /\{([\s\S]*)\}/.exec(body)?.[1]
    const parts = inner ? inner.split(',') : [body.split('::').at(-1) ?? '']
    for (const part of parts) {
      const alias = /\bas\s+(\w+)/.exec(part)?.[1] ?? part.trim().split('::').at(-1)?.trim()
      if (alias && /^[A-Z]/.test(alias)) names.add(alias)
    }
  }
  return names
}

/** Strings, char literals and line comments blanked, so braces are counted right. */
function code(line: string): string {
  return line.replace(/"(?:\\.|[^"\\])*"/g, '""').replace(/'(?:\\.|[^'\\])'/g, "' '").replace(/\/\/.*$/, '')
}

function scanFile(text: string, decls: Map<string, Decl>, methods: Map<string, ApiMethod[]>): void {
  const lines = text.split('\n')
  let depth = 0
  let docs: string[] = []
  let deprecated: string | undefined
  let impl: { target: string; depth: number } | undefined
  let enumDecl: { decl: Decl; depth: number } | undefined
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const trimmed = raw.trim()
    const doc = /^\/\/\/\s?(.*)$/.exec(trimmed)
    if (doc) {
      docs.push(doc[1]!)
      continue
    }
    if (/^#\[deprecated/.test(trimmed)) deprecated = /note\s*=\s*"([^"]*)"/.exec(trimmed)?.[1] ?? 'deprecated'
    if (trimmed.startsWith('#[') || trimmed.startsWith('//')) {
      if (!trimmed.startsWith('#[')) docs = []
      continue
    }
    const line = code(raw)
    if (depth === 0) {
      const decl = /^pub (struct|enum|type|trait) (\w+)/.exec(trimmed)
      if (decl) {
        const kind = decl[1] as Decl['kind']
        const base = kind === 'type' ? /=\s*(\w+)\s*</.exec(trimmed)?.[1] : undefined
        const entry: Decl = { name: decl[2]!, kind, variants: [], ...summaryOf(docs), ...(deprecated ? { deprecated } : {}), ...(base ? { extends: base } : {}) }
        if (!decls.has(entry.name) || !decls.get(entry.name)!.summary) decls.set(entry.name, entry)
        if (kind === 'enum' && line.includes('{')) enumDecl = { decl: entry, depth: 1 }
      }
      if (/^impl\b/.test(trimmed)) {
        // A header may span lines (`impl<D> Query<D>` / `where` / `D: QueryExecute,` / `{`): read it up to its brace.
        let header = trimmed
        for (let j = i + 1; !header.includes('{') && j < lines.length && j < i + 12; j++) header += ' ' + lines[j]!.trim()
        const head = header.slice(0, header.indexOf('{') + 1 || undefined)
        const implMatch = /^impl(?:<[^{]*?>)?\s+([A-Z]\w*)(?:<[^{]*?>)?\s*(?:where\b[^{]*)?\{?\s*$/.exec(head)
        if (implMatch && !/\bfor\b/.test(head.replace(/where\b.*$/, ''))) impl = { target: implMatch[1]!, depth: 1 }
      }
    } else if (enumDecl && depth === enumDecl.depth) {
      const variant = /^([A-Z]\w*)\s*(?:[,({=]|$)/.exec(trimmed)
      if (variant) enumDecl.decl.variants.push(variant[1]!)
    } else if (impl && depth === impl.depth) {
      const fn = /^pub (?:const )?(async )?(?:unsafe )?fn (\w+)/.exec(trimmed)
      if (fn) {
        const { signature, end } = signatureFrom(lines, i)
        const list = methods.get(impl.target) ?? []
        const isStatic = !/^\(\s*&?(?:'\w+\s+)?(?:mut\s+)?self\b/.test(signature)
        list.push({ name: fn[2]!, ...(isStatic ? { static: true } : {}), signature: `${fn[1] ? 'async ' : ''}${signature}`, ...summaryOf(docs), ...(deprecated ? { deprecated } : {}) })
        methods.set(impl.target, list)
        // The body is counted below, line by line, from the signature's first line.
        for (let j = i; j < end; j++) depth += braces(code(lines[j]!))
        i = end
        docs = []
        deprecated = undefined
        depth += braces(code(lines[i]!))
        continue
      }
    }
    docs = []
    deprecated = undefined
    depth += braces(line)
    // Only a closing brace ends an item: the lines of a multi-line `impl ... where` header are at depth 0 too.
    if (depth <= 0 && line.includes('}')) {
      depth = 0
      impl = undefined
      enumDecl = undefined
    }
  }
}

function braces(line: string): number {
  let n = 0
  for (const ch of line) {
    if (ch === '{') n++
    else if (ch === '}') n--
  }
  return n
}

/** `(params): Ret` of a `pub fn` that may span lines; `&mut Self` and `Self` read as `this`. */
function signatureFrom(lines: string[], start: number): { signature: string; end: number } {
  let text = ''
  let end = start
  for (; end < lines.length; end++) {
    text += ' ' + code(lines[end]!).trim()
    if (/[{;]\s*$/.test(text) || /\{/.test(text.slice(text.indexOf(')')))) break
  }
  const open = paramsStart(text)
  let depth = 0
  let close = open
  for (; close < text.length; close++) {
    if (text[close] === '(') depth++
    else if (text[close] === ')' && --depth === 0) break
  }
  const params = text.slice(open, close + 1).replace(/\s+/g, ' ').replace(/\(\s+/, '(').replace(/,?\s*\)$/, ')')
  const ret = /^\s*->\s*([^{;]*?)\s*(?:where\b[^{]*)?[{;]?\s*$/.exec(text.slice(close + 1))?.[1]?.trim()
  const returned = !ret ? 'void' : /^&(?:'\w+\s+)?mut Self$|^Self$/.test(ret) ? 'this' : ret.replace(/\s+/g, ' ')
  return { signature: `${params}: ${returned}`, end }
}

/** The `(` of the parameter list, after any generic parameters (`fn sign_with<F: Fn(&[u8]) -> Vec<u8>>(`). */
function paramsStart(text: string): number {
  const name = /\bfn\s+\w+/.exec(text)
  let at = name ? name.index + name[0].length : 0
  if (text[at] !== '<') return text.indexOf('(', at)
  for (let depth = 0; at < text.length; at++) {
    if (text[at] === '<') depth++
    else if (text[at] === '>' && text[at - 1] !== '-' && --depth === 0) break
  }
  return text.indexOf('(', at)
}

function summaryOf(docs: string[]): { summary?: string } {
  const paragraph: string[] = []
  for (const line of docs) {
    if (!line.trim()) {
      if (paragraph.length) break
      continue
    }
    if (line.trim().startsWith('#')) break
    paragraph.push(line.trim())
  }
  const flat = paragraph.join(' ').replace(/\[`?([^\]`]+)`?\]\([^)]*\)/g, '$1').replace(/\[`([^`\]]+)`\]/g, '`$1`')
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat
  return sentence ? { summary: sentence.slice(0, 300) } : {}
}

function dedupe(methods: ApiMethod[]): ApiMethod[] {
  const seen = new Set<string>()
  return methods.filter((m) => {
    const key = `${m.static ? 's' : 'i'}:${m.name}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
