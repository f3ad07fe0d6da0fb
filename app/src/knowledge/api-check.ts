/** Scans an answer's code blocks for SDK names (`new X(`, `X.method(`, `.setFoo(`) and checks them against the API index. */
import type { ApiCheck } from '../protocol/frames.js'
import type { ApiNames } from './api-names.js'

const CODE_LANGS = new Set(['', 'ts', 'typescript', 'js', 'javascript', 'tsx', 'jsx', 'mjs', 'cjs'])
const SDK_PACKAGES = /^@(hiero-ledger|hashgraph)\/sdk$/
/** Class names that look like the SDK's: its services' nouns and its builder suffixes. */
const SDK_SHAPED = /^(?:(?:Token|Account|Topic|Contract|File|Schedule|Hbar|Transfer|Custom|PrivateKey|PublicKey|KeyList|Nft|Ethereum|MirrorNode|Node|Fee|Evm|Prng|Freeze|Transaction|Hedera|Hiero)[A-Z0-9]\w*|\w+(?:Transaction|Query|Flow))$|^(?:Hbar|Client|PrivateKey|PublicKey|KeyList|Status|Mnemonic)$/
/** Builder-shaped methods from other libraries that sit next to SDK code (DOM, Express, React, timers). */
const FOREIGN_METHODS = new Set(['setHeader', 'setItem', 'setAttribute', 'setState', 'setTimeout', 'setInterval', 'setImmediate', 'addEventListener', 'addListener', 'setEncoding', 'setMaxListeners', 'setDate', 'setTime', 'setHours', 'setMinutes', 'setSeconds', 'setFullYear', 'setMonth', 'setUint8', 'setInt32', 'setUint32', 'setBigUint64', 'setFloat64'])

interface Scan {
  names: ApiNames
  checked: Set<string>
  unknown: string[]
}

/** Code blocks of a markdown answer; an unterminated last block (a cut-off answer) still counts. */
export function codeBlocks(markdown: string): string[] {
  const blocks: string[] = []
  const fence = /^ {0,3}(```+|~~~+)[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:^ {0,3}\1[ \t]*$|(?![\s\S]))/gm
  for (const match of markdown.matchAll(fence)) {
    if (CODE_LANGS.has((match[2] ?? '').toLowerCase())) blocks.push(match[3] ?? '')
  }
  return blocks
}

export function checkApi(markdown: string, names: ApiNames): ApiCheck {
  const scan: Scan = { names, checked: new Set(), unknown: [] }
  for (const block of codeBlocks(markdown)) {
    const code = blank(block, false)
    scanBlock(blank(code, true), importsOf(code), scan)
  }
  return { checked: scan.checked.size, unknown: scan.unknown }
}

function record(scan: Scan, name: string, known: boolean): void {
  if (scan.checked.has(name)) return
  scan.checked.add(name)
  if (!known) scan.unknown.push(name)
}

/** Comments (and, with `strings`, string contents) say nothing about the API: blank them, keeping offsets. */
export function blank(code: string, strings: boolean): string {
  return code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, (m, quote: string | undefined) =>
    quote ? (strings ? quote + ' '.repeat(m.length - 2) + quote : m) : ' '.repeat(m.length),
  )
}

function scanBlock(code: string, imported: Map<string, string>, scan: Scan): void {
  const { names } = scan
  const isSdkClass = (name: string) => names.hasClass(imported.get(name) ?? name)
  const claimsSdk = (name: string) => imported.has(name) || SDK_SHAPED.test(name)
  const typed = new Map<string, string>() // variable -> SDK class it holds
  const consumed = new Set<number>() // offsets of `.method(` already checked through a chain

  // `new X(` and the builder chain that follows it.
  for (const match of code.matchAll(/\bnew\s+([A-Z]\w*)\s*\(/g)) {
    const local = match[1]!
    const cls = imported.get(local) ?? local
    if (names.hasClass(cls)) {
      record(scan, cls, true)
      const end = skipParens(code, match.index + match[0].length - 1)
      const holdsClass = followChain(code, end, cls, scan, consumed)
      const assigned = /(?:const|let|var)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*(?:await\s+)?$/.exec(code.slice(Math.max(0, match.index - 80), match.index))
      // `const tx = new X().setA()` holds an X; `const r = await new X().execute(client)` holds something else.
      if (assigned && holdsClass) typed.set(assigned[1]!, cls)
    } else if (claimsSdk(local)) {
      record(scan, cls, false)
    }
  }
  // `X.member` on a class: static methods, constants and enum members (Hbar.fromTinybars, Status.Success).
  for (const match of code.matchAll(/(?<![\w.$])([A-Z]\w*)\s*\.\s*([A-Za-z_$][\w$]*)(\s*\()?/g)) {
    const local = match[1]!
    const member = match[2]!
    const cls = imported.get(local) ?? local
    if (!isSdkClass(local)) {
      if (imported.has(local) && !names.hasExport(cls)) record(scan, cls, false)
      continue
    }
    if (member === 'prototype' || member === 'name') continue
    const isCall = match[3] !== undefined
    // A constant or enum member is PascalCase or UPPER_CASE; a lower-case property access is not checked.
    if (!isCall && !/^[A-Z]/.test(member)) continue
    record(scan, `${cls}.${member}`, names.hasStatic(cls, member))
    const returned = isCall ? names.staticReturns(cls, member) : undefined
    if (returned) {
      // Client.forTestnet() and PrivateKey.generateECDSA() return an SDK object: remember what the variable holds.
      const assigned = /(?:const|let|var)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*(?:await\s+)?$/.exec(code.slice(Math.max(0, match.index - 80), match.index))
      if (assigned) typed.set(assigned[1]!, returned)
      if (returned === cls) followChain(code, skipParens(code, match.index + match[0].length - 1), cls, scan, consumed)
    }
  }
  // `variable.method(` on a variable that holds an SDK object.
  for (const match of code.matchAll(/(?<![\w.$])([a-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)\s*\(/g)) {
    const cls = typed.get(match[1]!)
    if (!cls) continue
    const dot = match.index + match[1]!.length
    if (consumed.has(dot)) continue
    consumed.add(code.indexOf('.', dot))
    const method = match[2]!
    const known = names.hasInstanceMethod(cls, method)
    record(scan, `${cls}.${method}`, known)
    if (known && names.returnsThis(cls, method)) followChain(code, skipParens(code, match.index + match[0].length - 1), cls, scan, consumed)
  }
  // Any other builder-shaped call: known when some SDK class has it; unknown only in code that imports the SDK.
  const importsSdk = imported.size > 0
  for (const match of code.matchAll(/\.\s*((?:set|add|clear)[A-Z]\w*)\s*\(/g)) {
    if (consumed.has(match.index)) continue
    const method = match[1]!
    if (FOREIGN_METHODS.has(method)) continue
    const known = names.anyInstanceMethod(method)
    if (known || importsSdk) record(scan, `.${method}`, known)
  }
}

/** Names imported from the SDK, local name -> exported name. */
function importsOf(code: string): Map<string, string> {
  const imported = new Map<string, string>()
  for (const match of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*(['"])([^'"]*)\2/g)) {
    if (!SDK_PACKAGES.test(match[3]!.trim())) continue
    for (const part of match[1]!.split(',')) {
      const [name, alias] = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)
      if (name) imported.set((alias ?? name).trim(), name.trim())
    }
  }
  return imported
}

/**
 * After `new X(...)`: each `.method(...)` of the chain is checked on X while the methods return `this`.
 * True when the chain still holds an X at its end.
 */
function followChain(code: string, from: number, cls: string, scan: Scan, consumed: Set<number>): boolean {
  let at = from
  for (;;) {
    const next = /^\s*\.\s*([A-Za-z_$][\w$]*)\s*\(/.exec(code.slice(at))
    if (!next) return true
    const dot = code.indexOf('.', at)
    consumed.add(dot)
    const method = next[1]!
    const known = scan.names.hasInstanceMethod(cls, method)
    record(scan, `${cls}.${method}`, known)
    if (!known || !scan.names.returnsThis(cls, method)) return false
    at = skipParens(code, at + next[0].length - 1)
  }
}

/** From an opening parenthesis, the offset just after its matching close (strings are already blanked). */
export function skipParens(code: string, open: number): number {
  let depth = 0
  for (let i = open; i < code.length; i++) {
    const ch = code[i]
    if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return i + 1
  }
  return code.length
}
