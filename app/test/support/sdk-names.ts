/** Answers "does @hiero-ledger/sdk export this name?" from a TypeScript program over its installed declarations. */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ts from 'typescript'

export const SDK = '@hiero-ledger/sdk'

/** The SDK's declaration entry (lib/index.d.ts), found the way Node finds the package. */
export function sdkDeclarationFile(): string {
  const packageJson = createRequire(import.meta.url).resolve(`${SDK}/package.json`)
  return join(dirname(packageJson), 'lib', 'index.d.ts')
}

export interface SdkNames {
  /** Why `name` (a `Class`, or `Class.member` for a static or instance member) is not in the SDK, or undefined when it is. */
  problem(name: string): string | undefined
}

/** Builds the checker from a program that includes the SDK's declarations (any program that imports it does). */
export function sdkNames(program: ts.Program): SdkNames {
  const checker = program.getTypeChecker()
  const entry = program.getSourceFile(sdkDeclarationFile())
  const moduleSymbol = entry && checker.getSymbolAtLocation(entry)
  if (!moduleSymbol) throw new Error(`the program does not include ${sdkDeclarationFile()}; add it as a root file.`)
  const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]))

  return {
    problem: function problem(name) {
      const [className, member, ...rest] = name.split('.')
      if (!className || rest.length > 0) return `"${name}" is neither Class nor Class.member`
      const exported = exports.get(className)
      if (!exported) return `${SDK} exports no "${className}"`
      if (member === undefined) return undefined
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const statics = checker.getTypeOfSymbol(symbol)
      const instances = checker.getDeclaredTypeOfSymbol(symbol)
      if (statics.getProperty(member) || instances.getProperty(member)) return undefined
      return `${className} has no member "${member}"`
    },
  }
}

/** A program over the SDK's declarations alone, for checking names without any example. */
export function sdkProgram(): ts.Program {
  return ts.createProgram([sdkDeclarationFile()], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  })
}
