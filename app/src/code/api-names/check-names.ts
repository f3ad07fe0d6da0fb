/**
 * The API-name check on the user's file (source `hedera-api`): the knowledge unit's checkApi finds SDK names
 * the index does not have; this places them on lines and adds "did you mean" from the API index.
 */
import ts from 'typescript'
import type { ApiIndex } from '../../knowledge/api-index.js'
import { checkApi } from '../../knowledge/api-check.js'
import type { ApiNames } from '../../knowledge/api-names.js'
import type { Diagnostic, Patch } from '../diagnostic.js'
import { lineIndex } from '../source-text.js'
import { toPatch } from '../rules/rule.js'
import { SDK_MODULES, walk } from '../rules/ast.js'
import { suggest, type Suggestion } from './suggest.js'

export interface NameCheck {
  diagnostics: Diagnostic[]
  patches: Patch[]
}

interface Vocabulary {
  classes: string[]
  anyMethod: string[]
  membersOf(cls: string): string[]
}

const vocabularies = new WeakMap<ApiIndex, Vocabulary>()

function vocabulary(index: ApiIndex): Vocabulary {
  const cached = vocabularies.get(index)
  if (cached) return cached
  const byName = new Map(index.classes.map((c) => [c.name, c]))
  const enums = new Map(index.enums.map((e) => [e.name, e.members.map((m) => m.name)]))
  const vocab: Vocabulary = {
    classes: [...index.classes.map((c) => c.name), ...index.enums.map((e) => e.name), ...index.functions],
    anyMethod: [...new Set(index.classes.flatMap((c) => c.methods.filter((m) => !m.static).map((m) => m.name)))],
    membersOf(cls) {
      const out = new Set<string>(enums.get(cls) ?? [])
      for (let entry = byName.get(cls), hops = 0; entry && hops < 10; entry = entry.extends ? byName.get(entry.extends) : undefined, hops++) {
        for (const m of entry.methods) out.add(m.name)
        for (const c of entry.constants ?? []) out.add(c)
      }
      return [...out]
    },
  }
  vocabularies.set(index, vocab)
  return vocab
}

/** The identifiers in the file that spell `name` where an SDK name can stand: `new X`, `X.m`, `.m(`, imports. */
function occurrences(source: ts.SourceFile, word: string): ts.Identifier[] {
  const found: ts.Identifier[] = []
  walk(source, (node) => {
    if (!ts.isIdentifier(node) || node.text !== word) return
    const parent = node.parent
    if (ts.isPropertyAccessExpression(parent) && parent.name === node) found.push(node)
    else if (ts.isNewExpression(parent) || ts.isImportSpecifier(parent) || (ts.isPropertyAccessExpression(parent) && parent.expression === node)) found.push(node)
    else if (ts.isBindingElement(parent)) found.push(node)
  })
  return found
}

/**
 * Names the file declares itself (classes, functions, variables, methods, imports from other modules): a user's
 * own `Wallet` class or `cfg.setNetwork()` method is not an SDK name, even where the SDK has one of that name.
 */
function ownNames(source: ts.SourceFile): Set<string> {
  const own = new Set<string>()
  walk(source, (node) => {
    if ((ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name) own.add(node.name.text)
    else if ((ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node) || ts.isMethodSignature(node) || ts.isPropertySignature(node)) && ts.isIdentifier(node.name)) own.add(node.name.text)
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) own.add(node.name.text)
    else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !SDK_MODULES.has(node.moduleSpecifier.text)) {
      walk(node, (inner) => {
        if (ts.isIdentifier(inner)) own.add(inner.text)
      })
    }
  })
  return own
}

export function checkNames(code: string, source: ts.SourceFile, names: ApiNames, index: ApiIndex): NameCheck {
  const result = checkApi('```ts\n' + code + '\n```', names)
  const own = result.unknown.length > 0 ? ownNames(source) : new Set<string>()
  const vocab = vocabulary(index)
  const lines = lineIndex(code)
  const diagnostics: Diagnostic[] = []
  const patches: Patch[] = []
  for (const unknown of result.unknown) {
    const [owner, member] = unknown.includes('.') ? (unknown.split('.') as [string, string]) : [unknown, undefined]
    const word = member ?? owner
    if (own.has(owner) || own.has(word)) continue
    const pool = member === undefined ? vocab.classes : owner === '' ? vocab.anyMethod : vocab.membersOf(owner)
    const suggestions = suggest(word, pool)
    const what = member === undefined ? `\`@hiero-ledger/sdk\` exports no \`${word}\`` : owner === '' ? `no SDK class has a method \`${word}\`` : `\`${owner}\` has no member \`${word}\``
    const message = `${what}.${suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s.name}\``).join(', ')}?` : ''}`
    const sure = sureFix(suggestions)
    for (const id of occurrences(source, word)) {
      const start = lines.position(id.getStart())
      const end = lines.position(id.getEnd())
      diagnostics.push({ line: start.line, column: start.column, endLine: end.line, endColumn: end.column, severity: 'error', message, source: 'hedera-api' })
      if (sure) patches.push(toPatch(code, { start: id.getStart(), end: id.getEnd(), text: sure, title: `Use the SDK's name ${sure}` }, 'hedera-api'))
    }
  }
  return { diagnostics, patches }
}

/** A rename is certain when one candidate differs only in letter case, or it is the only one at distance 1. */
function sureFix(suggestions: Suggestion[]): string | undefined {
  const caseOnly = suggestions.filter((s) => s.caseOnly)
  if (caseOnly.length === 1) return caseOnly[0]!.name
  if (caseOnly.length === 0 && suggestions.length === 1 && suggestions[0]!.distance === 1) return suggestions[0]!.name
  return undefined
}
