/** Reads @hiero-ledger/sdk's type declarations with the TypeScript compiler API and returns the compact API index. */
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import type { ApiClass, ApiEnum, ApiIndex, ApiMethod } from '../../app/src/knowledge/api-index.js'

const SDK = '@hiero-ledger/sdk'
const require = createRequire(import.meta.url)

/** The installed SDK's package folder and version. */
export function installedSdk(): { root: string; version: string } {
  const manifest = require.resolve(`${SDK}/package.json`)
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
  return { root: dirname(manifest), version }
}

/** Enums of the SDK whose runtime string differs from the member name (Status.Ok -> "OK"). */
async function enumValues(name: string): Promise<Map<string, string>> {
  const sdk = (await import(SDK)) as Record<string, Record<string, unknown>>
  const values = new Map<string, string>()
  for (const [member, value] of Object.entries(sdk[name] ?? {})) {
    if (value && typeof value === 'object' && typeof value.toString === 'function') values.set(member, (value as { toString(): string }).toString())
  }
  return values
}

function summaryOf(symbol: ts.Symbol, checker: ts.TypeChecker): string | undefined {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
  if (!text) return undefined
  // The first sentence or line is the summary; the rest stays in the SDK's docs.
  const first = text.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ').trim()
  const sentence = /^(.{20,}?[.!?])(\s|$)/.exec(first)?.[1] ?? first
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence
}

function tagsOf(symbol: ts.Symbol, checker: ts.TypeChecker): { deprecated: string | undefined } {
  let deprecated: string | undefined
  for (const tag of symbol.getJsDocTags(checker)) {
    if (tag.name === 'deprecated') {
      deprecated = ts.displayPartsToString(tag.text).replace(/^[\s-]+/, '').replace(/\s+/g, ' ').trim() || 'deprecated'
    }
  }
  return { deprecated }
}

function isHidden(name: string): boolean {
  return name.startsWith('_') || name.startsWith('#') || name === 'constructor' || name.startsWith('__')
}

/** `(name: string) => this`, one per overload, joined with " | ". */
function signaturesOf(symbol: ts.Symbol, checker: ts.TypeChecker, at: ts.Node): string | undefined {
  const type = checker.getTypeOfSymbolAtLocation(symbol, at)
  const signatures = type.getCallSignatures()
  if (signatures.length === 0) return undefined
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope
  return signatures.map((s) => exportedNames(checker.signatureToString(s, at, flags).replace(/import\("[^"]*"\)\./g, ''))).join(' | ')
}

function methodsOf(symbols: ts.Symbol[], checker: ts.TypeChecker, at: ts.Node, isStatic: boolean): ApiMethod[] {
  const methods: ApiMethod[] = []
  for (const member of symbols) {
    const name = member.getName()
    if (isHidden(name) || name === 'prototype') continue
    // `@internal` is not trusted: the SDK marks public builders with it (TransferTransaction.addHbarTransfer).
    // A leading underscore is the SDK's real mark of an internal member.
    const { deprecated } = tagsOf(member, checker)
    const signature = signaturesOf(member, checker, at)
    if (signature === undefined) continue
    const summary = summaryOf(member, checker)
    methods.push({ name, ...(isStatic ? { static: true } : {}), signature, ...(summary ? { summary } : {}), ...(deprecated ? { deprecated } : {}) })
  }
  return methods.sort((a, b) => Number(!!b.static) - Number(!!a.static) || a.name.localeCompare(b.name))
}

/** The class symbol that declares a member. */
function declaringClass(member: ts.Symbol, checker: ts.TypeChecker): ts.Symbol | undefined {
  const parent = member.declarations?.[0]?.parent
  return parent && ts.isClassDeclaration(parent) && parent.name ? checker.getSymbolAtLocation(parent.name) : undefined
}

/**
 * Members declared by the class itself or by an ancestor the SDK does not export (NodeClient's base Client):
 * members of exported ancestors are found through `extends` at run time, which keeps the file small.
 */
function membersOf(symbol: ts.Symbol, declaration: ts.ClassDeclaration, checker: ts.TypeChecker, exported: Set<ts.Symbol>): { instance: ts.Symbol[]; statics: ts.Symbol[]; base: string | undefined } {
  const instanceType = checker.getDeclaredTypeOfSymbol(symbol)
  const staticType = checker.getTypeOfSymbolAtLocation(symbol, declaration)
  const exportedAncestors: ts.Symbol[] = []
  let base: string | undefined
  // Walk up to the nearest exported ancestor: its name is `extends`, and it and everything above it are left out.
  for (let type = checker.getBaseTypes(instanceType as ts.InterfaceType)[0]; type; type = type.isClassOrInterface() ? checker.getBaseTypes(type)[0] : undefined) {
    const ancestor = type.getSymbol()
    if (ancestor && exported.has(ancestor)) {
      base ??= exportedName.get(ancestor)
      exportedAncestors.push(ancestor)
    }
  }
  const own = (member: ts.Symbol) => {
    const owner = declaringClass(member, checker)
    return owner === undefined || owner === symbol || !exportedAncestors.includes(owner)
  }
  const isMethodLike = (member: ts.Symbol) => (member.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Property)) !== 0
  return {
    instance: checker.getPropertiesOfType(instanceType).filter((m) => isMethodLike(m) && own(m)),
    statics: checker.getPropertiesOfType(staticType).filter((m) => isMethodLike(m) && own(m)),
    base,
  }
}

const exportedName = new Map<ts.Symbol, string>()
/** Declared class names the SDK exports under another name (NodeClient is exported as Client). */
const renamed = new Map<string, string>()

function exportedNames(signature: string): string {
  let out = signature
  for (const [declared, name] of renamed) out = out.replace(new RegExp(`\\b${declared}\\b(?!<)`, 'g'), name)
  return out
}

/** Members of a namespace merged with the class (Status.Ok, Hbar.ZERO...). */
function namespaceMembers(symbol: ts.Symbol): string[] {
  const names: string[] = []
  symbol.exports?.forEach((_value, key) => {
    const name = String(key)
    if (!isHidden(name) && name !== 'prototype') names.push(name)
  })
  return names
}

export async function buildApiIndex(): Promise<ApiIndex> {
  const { root, version } = installedSdk()
  const entry = join(root, 'lib', 'index.d.ts')
  const program = ts.createProgram([entry], { allowJs: false, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(entry)
  if (!source) throw new Error(`cannot read ${entry}`)
  const moduleSymbol = checker.getSymbolAtLocation(source)
  if (!moduleSymbol) throw new Error(`${entry} is not a module`)

  const classes: ApiClass[] = []
  const enums: ApiEnum[] = []
  const constants: string[] = []
  const exports = checker.getExportsOfModule(moduleSymbol).map((exported) => ({
    name: exported.getName(),
    symbol: exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
  }))
  const exportedClasses = new Set<ts.Symbol>()
  for (const { name, symbol } of exports) {
    if (!symbol.declarations?.some(ts.isClassDeclaration)) continue
    exportedClasses.add(symbol)
    exportedName.set(symbol, name)
    const declared = symbol.declarations?.find(ts.isClassDeclaration)?.name?.getText()
    if (declared && declared !== name && declared !== 'default') renamed.set(declared, name)
  }
  for (const { name, symbol } of exports) {
    const declaration = symbol.declarations?.find(ts.isClassDeclaration)
    if (!declaration) {
      if (symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Function)) constants.push(name)
      continue
    }
    // A class marked @internal (Executable) is still exported and its methods are inherited by public ones: keep it.
    const { deprecated } = tagsOf(symbol, checker)
    const { instance, statics, base } = membersOf(symbol, declaration, checker, exportedClasses)
    const summary = summaryOf(symbol, checker)
    const staticNames = new Set(statics.map((s) => s.getName()))
    const constantsOfClass = namespaceMembers(symbol).filter((n) => !staticNames.has(n))
    classes.push({
      name,
      ...(summary ? { summary } : {}),
      ...(deprecated ? { deprecated } : {}),
      ...(base ? { extends: base } : {}),
      methods: [...methodsOf(statics, checker, declaration, true), ...methodsOf(instance, checker, declaration, false)],
      ...(constantsOfClass.length > 0 && constantsOfClass.length < 16 ? { constants: constantsOfClass.sort() } : {}),
    })
    // A class whose namespace holds many instances of itself is an enum (Status, TokenType, FeeAssessmentMethod...).
    if (constantsOfClass.length >= 2) {
      const values = await enumValues(name)
      const members = constantsOfClass.filter((m) => values.has(m)).map((m) => ({ name: m, value: values.get(m)! }))
      if (members.length >= 2) enums.push({ name, members })
    }
  }
  classes.sort((a, b) => a.name.localeCompare(b.name))
  enums.sort((a, b) => a.name.localeCompare(b.name))
  return { sdk: SDK, version, classes, enums, functions: constants.sort() }
}
