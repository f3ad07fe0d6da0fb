/**
 * Every guide's TypeScript examples compile against the installed @hiero-ledger/sdk, in one strict NodeNext
 * program, so the guides cannot drift from the real API. Also: enough guides, and `apis` names that exist.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SDK, sdkNames, type SdkNames } from '../../test/support/sdk-names.js'
import { readGuides, type Guide } from './guide-file.js'

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const GUIDES_DIR = join(root, 'knowledge', 'guides')

const guides = readGuides(GUIDES_DIR)
/** Example file name -> guide id, to name the guide in a diagnostic. */
const owners = new Map<string, string>()
let dir: string
let program: ts.Program
let names: SdkNames

/** A throwaway project that looks like a user's: ESM package.json and the repo's node_modules. */
function writeExamples(): string[] {
  dir = mkdtempSync(join(tmpdir(), 'guide-examples-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  mkdirSync(join(dir, 'examples'))
  return guides.flatMap((guide) =>
    guide.examples.map((code, index) => {
      const file = join(dir, 'examples', `${guide.id}${index === 0 ? '' : `-${index + 1}`}.ts`)
      writeFileSync(file, code)
      owners.set(file, guide.id)
      return file
    }),
  )
}

beforeAll(() => {
  const files = writeExamples()
  program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noUnusedLocals: true,
    skipLibCheck: true,
    noEmit: true,
  })
  names = sdkNames(program)
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
  if (!diagnostic.file || diagnostic.start === undefined) return `(program) ${message}`
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
  const id = owners.get(resolve(diagnostic.file.fileName)) ?? diagnostic.file.fileName
  return `${id} example ${line + 1}:${character + 1} TS${diagnostic.code}: ${message}`
}

function importsOf(guide: Guide, code: string): string[] {
  const source = ts.createSourceFile(`${guide.id}.ts`, code, ts.ScriptTarget.ES2023)
  return source.statements.filter(ts.isImportDeclaration).map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text)
}

describe('guides', () => {
  it('are at least 40, each with its own id', () => {
    expect(guides.length).toBeGreaterThanOrEqual(40)
    expect(new Set(guides.map((g) => g.id)).size).toBe(guides.length)
  })

  it('are short: 150 to 400 words of prose each, code not counted', () => {
    const outside = guides.flatMap((guide) => {
      const prose = [guide.intro, ...guide.sections.map((s) => s.text.replace(/```[\s\S]*?```/g, ''))].join(' ')
      const words = prose.split(/\s+/).filter(Boolean).length
      return words < 150 || words > 400 ? [`${guide.id}: ${words} words`] : []
    })
    expect(outside).toEqual([])
  })

  it('have TypeScript examples that type-check against the installed SDK', () => {
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]
    expect(diagnostics.map(describeDiagnostic)).toEqual([])
    expect(owners.size).toBeGreaterThanOrEqual(guides.length)
  })

  it('import from @hiero-ledger/sdk, and otherwise only node: built-ins', () => {
    const problems = guides.flatMap((guide) =>
      guide.examples.flatMap((code, index) => {
        const imports = importsOf(guide, code)
        const found = [] as string[]
        if (index === 0 && !imports.includes(SDK)) found.push(`${guide.id}: the example does not import from ${SDK}`)
        for (const spec of imports) if (spec !== SDK && !spec.startsWith('node:')) found.push(`${guide.id}: imports "${spec}"`)
        return found
      }),
    )
    expect(problems).toEqual([])
  })

  it('list only `apis` the SDK declares, and use each of them', () => {
    const problems = guides.flatMap((guide) => {
      const text = [guide.title, guide.intro, ...guide.sections.flatMap((s) => [s.heading, s.text]), ...guide.examples].join('\n')
      return guide.apis.flatMap((api) => {
        const problem = names.problem(api)
        if (problem) return [`${guide.id}: ${problem}`]
        const word = api.split('.').at(-1) ?? api
        // A status is written as the network reports it: Status.InvalidSignature appears as INVALID_SIGNATURE.
        const spelled = api.startsWith('Status.') ? word.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toUpperCase() : word
        const used = new RegExp(`\\b(${word}|${spelled})\\b`).test(text)
        return used ? [] : [`${guide.id}: lists ${api} but never mentions ${word}`]
      })
    })
    expect(problems).toEqual([])
  })

  it('the name checker itself rejects names the SDK does not have', () => {
    expect(names.problem('TokenAssociateTransaction')).toBeUndefined()
    expect(names.problem('PrivateKey.fromStringECDSA')).toBeUndefined()
    expect(names.problem('TransferTransaction.addHbarTransfer')).toBeUndefined()
    expect(names.problem('TokenCreateTransaction.execute')).toBeUndefined()
    expect(names.problem('Status.InvalidSignature')).toBeUndefined()
    expect(names.problem('PrivateKey.fromStringEcdsa')).toMatch(/no member "fromStringEcdsa"/)
    expect(names.problem('TokenAssociateTransactionX')).toMatch(/exports no/)
    expect(names.problem('a.b.c')).toMatch(/neither/)
  })
})
