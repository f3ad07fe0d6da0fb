/** One review of the editor's file: input bounds, the pitfall rules, the API-name check and the type check, merged. */
import type { KnowledgeBase } from '../../knowledge/knowledge-base.js'
import type { Diagnostic, Patch } from '../diagnostic.js'
import { analyzeOutput, type RunFinding } from '../run-output/analyze.js'
import { parse, runRules, RULES, type Rule } from '../rules/index.js'
import { disjoint, staticChecks } from './static-checks.js'
import type { TypeChecker } from '../type-check/checker.js'
import { checkedLanguage, inputProblem, type CodeLimits } from './input.js'

export type CodeKnowledge = Pick<KnowledgeBase, 'index' | 'guides' | 'names'>

export interface ReviewInput {
  code: string
  language: string
  /** The cursor's 1-based line; findings there are listed first. */
  currentLine?: number
}

export interface Review {
  diagnostics: Diagnostic[]
  patches: Patch[]
  /** Why all or part of the check did not run (too big, a language not covered, the type check's time bound). */
  skipped?: string
}

export interface RunInput {
  code: string
  output: string
  language: string
}

export interface RunAnalysis {
  findings: RunFinding[]
  /** Findings of the rules the run's errors point at (with their patches). */
  diagnostics: Diagnostic[]
  patches: Patch[]
  skipped?: string
}

export interface ReviewDeps {
  knowledge: CodeKnowledge
  typeChecker?: TypeChecker
  limits: CodeLimits
  rules?: readonly Rule[]
}

/** Compiler errors the API-name check already reports (with a better message): unknown property, export, name. */
const NAME_ERRORS = new Set([2339, 2551, 2305, 2724, 2304, 2552, 2694])

export async function reviewCode(input: ReviewInput, deps: ReviewDeps): Promise<Review> {
  // Callers validate with their protocol's schema; this keeps a wrong type from becoming an exception here.
  if (typeof input.code !== 'string' || typeof input.language !== 'string') return { diagnostics: [], patches: [], skipped: 'check skipped: `code` and `language` must be strings (the editor file and its language)' }
  const problem = inputProblem(input.code, deps.limits)
  if (problem) return { diagnostics: [], patches: [], skipped: problem }
  const language = checkedLanguage(input.language)
  if (!language) return { diagnostics: [], patches: [], skipped: `check skipped: the checks cover JavaScript and TypeScript; ${input.language || 'this language'} is not checked yet` }
  const js = language === 'javascript'
  // Everything runs in the worker, off the event loop; when the worker is off or timed out, the syntax checks run here.
  const result = deps.typeChecker ? await deps.typeChecker.check(input.code, js) : { skipped: 'type check skipped: no type checker is running' }
  const local = 'local' in result ? result.local : staticChecks(input.code, js, deps)
  const compiler = 'diagnostics' in result ? result.diagnostics : []
  const diagnostics = merge(local.diagnostics, compiler, input.currentLine)
  return { diagnostics, patches: local.patches, ...('skipped' in result ? { skipped: result.skipped } : {}) }
}

export function analyzeRun(input: RunInput, deps: Pick<ReviewDeps, 'knowledge' | 'limits' | 'rules'>): RunAnalysis {
  const output = typeof input.output === 'string' ? input.output : ''
  const code = typeof input.code === 'string' ? input.code : ''
  const language = typeof input.language === 'string' ? checkedLanguage(input.language) : undefined
  const problem = inputProblem(code, deps.limits)
  const source = language && !problem ? parse(code, language === 'javascript') : undefined
  const findings = analyzeOutput(source ? code : '', output, source)
  if (!source) return { findings, diagnostics: [], patches: [], skipped: problem ?? `the code is not checked: ${input.language || 'this language'} is not covered yet; the output is still read` }
  const wanted = new Set(findings.flatMap((f) => f.rules))
  if (wanted.size === 0) return { findings, diagnostics: [], patches: [] }
  const rules = (deps.rules ?? RULES).filter((r) => wanted.has(r.meta.name))
  const ruled = runRules(rules, { source, names: deps.knowledge.names, index: deps.knowledge.index })
  return { findings, diagnostics: ruled.diagnostics, patches: disjoint(ruled.patches) }
}

/** Rules and names first; a compiler error the name check already explains is dropped; cursor line first, then by position. */
function merge(local: Diagnostic[], compiler: Diagnostic[], currentLine: number | undefined): Diagnostic[] {
  const named = local.filter((d) => d.source === 'hedera-api')
  const kept = compiler.filter((d) => !(d.code !== undefined && NAME_ERRORS.has(d.code) && named.some((n) => n.line === d.line && n.column === d.column)))
  const all = [...local, ...kept]
  const rank = (d: Diagnostic) => (d.line === currentLine ? 0 : 1)
  return all.sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column)
}
