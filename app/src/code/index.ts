/**
 * Code intelligence: checks of the editor's code against the installed @hiero-ledger/sdk, and readings of a
 * run's output. It knows the knowledge base; it never calls a model, never runs the code, never logs it.
 *
 * The stable API (everything else in app/src/code/ is internal):
 *
 *   const code = createCodeIntelligence({ knowledge })        // knowledge: the loaded KnowledgeBase
 *   await code.warm()                                           // optional: start the type checker now
 *   const review = await code.reviewCode({ code, language, currentLine })
 *     // -> { diagnostics: Diagnostic[], patches: Patch[], skipped?: string }   (never rejects)
 *   const run = code.analyzeRun({ code, output, language })     // -> { findings, diagnostics, patches, skipped? }
 *   code.composeReview(review)   code.composeRunAnalysis(run, code)   code.facts(review, run)   // markdown / text
 *   code.placeChanges(fileText, input.changes)                  // proposeCode -> { proposedChanges, appliedChanges, refusedChanges }
 *   await code.close()                                          // terminates the type checker's worker
 *
 * Diagnostics: `{ line, column, endLine, endColumn, severity, message, source: 'typescript'|'hedera-api'|'rule:<name>', rule? }`,
 * 1-based lines of the user's file. Patches and applied changes: `{ mode, code, startLine, endLine }` (1-based, inclusive;
 * `add` inserts at startLine). The proposeCode tool: `proposeCodeInputSchema` (zod), `proposeCodeJsonSchema()`, `parseProposeCodeInput`.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { placeChanges } from './patch/place.js'
import { composeFacts, composeReviewAnswer, composeRunAnswer } from './review/compose.js'
import { DEFAULT_LIMITS, type CodeLimits } from './review/input.js'
import { analyzeRun, reviewCode, type CodeKnowledge, type Review, type ReviewInput, type RunAnalysis, type RunInput } from './review/review.js'
import { RULES } from './rules/index.js'
import { createTypeChecker, type TypeChecker } from './type-check/checker.js'

export type { AppliedChange, Diagnostic, Patch, Severity } from './diagnostic.js'
export type { PlacedChanges, RefusedChange } from './patch/place.js'
export { parseProposeCodeInput, PROPOSE_CODE_DESCRIPTION, PROPOSE_CODE_TOOL, proposeCodeInputSchema, proposeCodeJsonSchema, type ProposeCodeInput, type ProposedChange } from './patch/schema.js'
export type { RunFinding } from './run-output/analyze.js'
export type { CodeKnowledge, Review, ReviewInput, RunAnalysis, RunInput } from './review/review.js'
export type { CodeLimits } from './review/input.js'

export interface CodeIntelligenceOptions {
  knowledge: CodeKnowledge
  /** Size and line bounds of a checked file (default 200 KB, 5,000 lines). */
  limits?: Partial<CodeLimits>
  /** Time bound of one type check once the compiler is warm (default 2000 ms). */
  typeCheckTimeoutMs?: number
  /** false: no type checker (rules and the name check only). */
  typeCheck?: boolean
  /** Folder whose node_modules holds the SDK, typescript and @types/node (default: this project's root). */
  root?: string
  /** The API index file the worker's syntax checks load (default: <root>/knowledge/api-index.json, the one the knowledge base loads). */
  indexFile?: string
}

export interface CodeIntelligence {
  reviewCode(input: ReviewInput): Promise<Review>
  analyzeRun(input: RunInput): RunAnalysis
  placeChanges: typeof placeChanges
  composeReview(review: Review): string
  composeRunAnalysis(analysis: RunAnalysis, code: string): string
  facts(review?: Review, analysis?: RunAnalysis): string
  /** Starts the type checker's worker and waits until it is warm; resolves with its warm-up time, or why it is off. */
  warm(): Promise<{ ms: number; heapBytes: number } | { skipped: string }>
  /** The type checker's worker heap after its last answer (bytes). */
  typeCheckerHeapBytes(): number
  close(): Promise<void>
}

/** The nearest folder above this module whose node_modules holds the SDK (the project root, from source or from dist). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'node_modules', '@hiero-ledger', 'sdk', 'package.json'))) return dir
    dir = dirname(dir)
  }
  return process.cwd()
}

export function createCodeIntelligence(options: CodeIntelligenceOptions): CodeIntelligence {
  const limits: CodeLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const knowledge = options.knowledge
  const root = options.root ?? projectRoot()
  const typeChecker: TypeChecker | undefined = options.typeCheck === false ? undefined : createTypeChecker({ root, ...(options.indexFile ? { indexFile: options.indexFile } : {}), ...(options.typeCheckTimeoutMs ? { timeoutMs: options.typeCheckTimeoutMs } : {}) })
  const context = { guides: knowledge.guides, sdkVersion: knowledge.index.version, rules: RULES }
  return {
    reviewCode: (input) => reviewCode(input, { knowledge, limits, ...(typeChecker ? { typeChecker } : {}) }),
    analyzeRun: (input) => analyzeRun(input, { knowledge, limits }),
    placeChanges,
    composeReview: (review) => composeReviewAnswer(review, context),
    composeRunAnalysis: (analysis, code) => composeRunAnswer(analysis, code, context),
    facts: composeFacts,
    warm: () => typeChecker?.warm() ?? Promise.resolve({ skipped: 'the type check is off' }),
    typeCheckerHeapBytes: () => typeChecker?.heapBytes() ?? 0,
    close: async () => typeChecker?.close(),
  }
}
