/** Checks the SDK names in an answer's ```java and ```rust blocks against that language's API index (classes, methods, enum members). */
import type { ApiCheck } from '../protocol/frames.js'
import { blank, skipParens } from './api-check.js'
import type { ApiNames } from './api-names.js'

type Typed = 'java' | 'rust'

const FENCES: Record<Typed, RegExp> = { java: /^java$/i, rust: /^(rust|rs)$/i }
/** Methods every object has in that language (Object's, or common trait methods): never the SDK's to judge. */
const FOREIGN: Record<Typed, Set<string>> = {
  java: new Set(['toString', 'equals', 'hashCode', 'getClass', 'wait', 'notify', 'notifyAll', 'clone', 'compareTo']),
  rust: new Set(['clone', 'to_string', 'to_owned', 'into', 'try_into', 'as_ref', 'as_mut', 'borrow', 'fmt', 'eq', 'cmp', 'partial_cmp', 'hash', 'default', 'from', 'try_from', 'from_str', 'parse', 'unwrap', 'expect', 'await']),
}

interface Scan {
  language: Typed
  names: ApiNames
  checked: Set<string>
  unknown: string[]
}

/** The code blocks of one language in a markdown answer; an unterminated last block still counts. */
function blocksOf(markdown: string, language: Typed): string[] {
  const fence = /^ {0,3}(```+|~~~+)[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:^ {0,3}\1[ \t]*$|(?![\s\S]))/gm
  return [...markdown.matchAll(fence)].filter((m) => FENCES[language].test(m[2] ?? '')).map((m) => m[3] ?? '')
}

export function checkTypedApi(markdown: string, language: Typed, names: ApiNames): ApiCheck {
  const scan: Scan = { language, names, checked: new Set(), unknown: [] }
  for (const block of blocksOf(markdown, language)) {
    const code = blank(language === 'rust' ? block.replace(/'[^'\\\n]'/g, "' '") : block, true)
    if (language === 'java') scanJava(code, scan)
    else scanRust(code, scan)
  }
  return { checked: scan.checked.size, unknown: scan.unknown }
}

function record(scan: Scan, name: string, known: boolean): void {
  if (scan.checked.has(name)) return
  scan.checked.add(name)
  if (!known) scan.unknown.push(name)
}

function scanJava(code: string, scan: Scan): void {
  const { names } = scan
  const imported = new Set([...code.matchAll(/import\s+com\.hedera\.hashgraph\.sdk\.([A-Z]\w*)\s*;/g)].map((m) => m[1]!))
  const typed = new Map<string, string>()
  const consumed = new Set<number>()
  for (const name of imported) record(scan, name, names.hasClass(name) || names.hasExport(name))
  // `new X(...)` and its builder chain; `var v = new X()...` or `X v = ...` declares what v holds.
  for (const match of code.matchAll(/\bnew\s+([A-Z]\w*)\s*\(/g)) {
    const cls = match[1]!
    if (!names.hasClass(cls)) continue
    record(scan, cls, true)
    const holds = followChain(code, skipParens(code, match.index + match[0].length - 1), cls, '.', scan, consumed)
    const declared = /(?:\bvar|\b[A-Z]\w*)\s+(\w+)\s*=\s*$/.exec(code.slice(Math.max(0, match.index - 80), match.index))
    if (declared && holds) typed.set(declared[1]!, cls)
  }
  for (const match of code.matchAll(/\b([A-Z]\w*)\s+([a-z]\w*)\s*[=;]/g)) if (names.hasClass(match[1]!)) typed.set(match[2]!, match[1]!)
  // `X.member`: static methods, constants and enum members (Client.forTestnet, Status.SUCCESS, Hbar.ZERO).
  for (const match of code.matchAll(/(?<![\w.])([A-Z]\w*)\s*\.\s*([A-Za-z_]\w*)(\s*\()?/g)) {
    const [, cls, member, call] = match as unknown as [string, string, string, string | undefined]
    if (!names.hasClass(cls) || member === 'class') continue
    if (!call && !/^[A-Z]/.test(member)) continue
    record(scan, `${cls}.${member}`, names.hasStatic(cls, member))
    const returned = call ? names.staticReturns(cls, member) : undefined
    if (returned === cls) followChain(code, skipParens(code, match.index + match[0].length - 1), cls, '.', scan, consumed)
  }
  variableCalls(code, typed, '.', scan, consumed)
}

function scanRust(code: string, scan: Scan): void {
  const { names } = scan
  const typed = new Map<string, string>()
  const consumed = new Set<number>()
  // `use hiero_sdk::{A, B}` and `use hiero_sdk::A`: each name must exist in the crate.
  for (const match of code.matchAll(/use\s+hiero_sdk::(\{[^}]*\}|\w+)\s*;/g)) {
    for (const part of match[1]!.replace(/[{}]/g, '').split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0]!.trim()
      if (/^[A-Z]/.test(name)) record(scan, name, names.hasClass(name) || names.hasExport(name))
    }
  }
  // `X::member`: associated functions, then the builder chain of a `new()`; enum variants (Status::Success).
  for (const match of code.matchAll(/(?<![\w:])(?:hiero_sdk::)?([A-Z]\w*)\s*::\s*([A-Za-z_]\w*)(\s*\()?/g)) {
    const [, cls, member, call] = match as unknown as [string, string, string, string | undefined]
    if (!names.hasClass(cls)) continue
    if (!call && !/^[A-Z]/.test(member)) continue
    if (call && FOREIGN.rust.has(member)) continue
    const known = call ? names.hasStatic(cls, member) || names.hasInstanceMethod(cls, member) : names.hasStatic(cls, member)
    record(scan, `${cls}::${member}`, known)
    if (!call || names.staticReturns(cls, member) === undefined && member !== 'new') continue
    const end = skipParens(code, match.index + match[0].length - 1)
    const holds = followChain(code, end, cls, '::', scan, consumed)
    const declared = /\blet\s+(?:mut\s+)?(\w+)\s*(?::\s*[\w<>]+\s*)?=\s*$/.exec(code.slice(Math.max(0, match.index - 80), match.index))
    if (declared && holds) typed.set(declared[1]!, cls)
  }
  variableCalls(code, typed, '::', scan, consumed)
}

/** `v.method(` on a variable known to hold an SDK object. */
function variableCalls(code: string, typed: Map<string, string>, separator: string, scan: Scan, consumed: Set<number>): void {
  for (const match of code.matchAll(/(?<![\w.])([a-z_]\w*)\s*\.\s*([A-Za-z_]\w*)\s*\(/g)) {
    const cls = typed.get(match[1]!)
    const method = match[2]!
    const dot = code.indexOf('.', match.index + match[1]!.length)
    if (!cls || consumed.has(dot) || FOREIGN[scan.language].has(method)) continue
    consumed.add(dot)
    const known = scan.names.hasInstanceMethod(cls, method)
    record(scan, `${cls}${separator}${method}`, known)
    if (known && scan.names.returnsThis(cls, method)) followChain(code, skipParens(code, match.index + match[0].length - 1), cls, separator, scan, consumed)
  }
}

/** After a call that returns the builder: each `.method(...)` is checked on `cls` while the methods return it. */
function followChain(code: string, from: number, cls: string, separator: string, scan: Scan, consumed: Set<number>): boolean {
  let at = from
  for (;;) {
    const next = /^\s*\.\s*([A-Za-z_]\w*)\s*\(/.exec(code.slice(at))
    if (!next) return true
    const dot = code.indexOf('.', at)
    consumed.add(dot)
    const method = next[1]!
    if (FOREIGN[scan.language].has(method)) return false
    const known = scan.names.hasInstanceMethod(cls, method)
    record(scan, `${cls}${separator}${method}`, known)
    if (!known || !scan.names.returnsThis(cls, method)) return false
    at = skipParens(code, at + next[0].length - 1)
  }
}
