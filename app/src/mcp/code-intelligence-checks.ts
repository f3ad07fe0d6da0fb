/** check_code and explain_status on the code unit: the same review as the chat's (type check, pitfall rules, API names) and its run reading. */
import type { CodeIntelligence, Review, RunFinding } from '../code/index.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { CodeCheckResult, CodeChecks, OutputExplanation, StatusExplanation } from './code-checks.js'
import { knowledgeCodeChecks } from './services.js'
import { MAX_SOURCES, MAX_STATUSES, statusSources } from './status-explainer.js'
import { guideUri } from './uris.js'

/** Diagnostics per result: an agent fixes the first ones and checks again. */
export const MAX_DIAGNOSTICS = 50
const ALL_CHECKS = ['typescript', 'hedera-api', 'rules'] as const

/** The SDK error classes that say where a status was reported. */
const PHASES: Record<string, StatusExplanation['phase']> = { PrecheckStatusError: 'precheck', ReceiptStatusError: 'receipt', RecordStatusError: 'receipt' }

export function codeIntelligenceChecks(code: CodeIntelligence, knowledge: KnowledgeBase): CodeChecks {
  const fallback = knowledgeCodeChecks(knowledge)
  const sourcesOf = statusSources(knowledge)
  const titles = new Map(knowledge.guides.map((g) => [g.id, g.title]))

  async function check(text: string, language: CodeCheckResult['language']): Promise<CodeCheckResult> {
    const review = await code.reviewCode({ code: text, language })
    return {
      language,
      checks: checksRun(review),
      diagnostics: review.diagnostics.slice(0, MAX_DIAGNOSTICS).map((d) => ({ line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, severity: d.severity, message: d.message, source: d.source, ...(d.rule ? { rule: d.rule } : {}), ...(d.code !== undefined ? { code: d.code } : {}) })),
      patches: review.patches.map((p) => ({ mode: p.mode, startLine: p.startLine, endLine: p.endLine, code: p.code, title: p.title, source: p.source })),
      omitted: Math.max(0, review.diagnostics.length - MAX_DIAGNOSTICS),
    }
  }

  function explained(finding: RunFinding): StatusExplanation | undefined {
    const status = finding.status
    if (!status) return undefined
    // The finding's own guide first, then the guides that cover the status; only guides this knowledge base has.
    const own = finding.guide && titles.has(finding.guide) ? [{ uri: guideUri(finding.guide), title: titles.get(finding.guide)! }] : []
    const sources = [...own, ...sourcesOf(status.value).filter((s) => !own.some((o) => o.uri === s.uri))].slice(0, MAX_SOURCES)
    return { status: status.value, member: `Status.${status.name}`, phase: PHASES[finding.error?.name ?? ''] ?? 'unknown', meaning: status.meaning, likelyCause: status.cause, remedy: status.remedy, sources }
  }

  function explainOutput(text: string): OutputExplanation {
    const statuses = code
      .analyzeRun({ code: '', output: text, language: 'typescript' })
      .findings.map(explained)
      .filter((s): s is StatusExplanation => s !== undefined)
      .slice(0, MAX_STATUSES)
    // A bare member name (Status.InvalidSignature) or a one-word status the run reader does not take as prose.
    return statuses.length > 0 ? { statuses } : fallback.explainOutput(text)
  }

  return { check, explainOutput }
}

/** The checks that ran: a skip before any check (size, language) means none; any other skip is the type check's. */
function checksRun(review: Review): string[] {
  if (!review.skipped) return [...ALL_CHECKS]
  if (review.skipped.startsWith('check skipped')) return []
  return ALL_CHECKS.filter((c) => c !== 'typescript')
}
