/** Pure markdown composers: the offline `code-review` and `execution-analysis` answers, and the facts block for a model's context. */
import type { Guide } from '../../knowledge/guide-file.js'
import type { Diagnostic, Patch } from '../diagnostic.js'
import type { RunFinding } from '../run-output/analyze.js'
import { RULES, type RuleMeta } from '../rules/index.js'
import type { Review, RunAnalysis } from './review.js'

export interface ComposeContext {
  guides: Guide[]
  sdkVersion: string
  rules?: readonly { meta: RuleMeta }[]
}

const MAX_LISTED = 20
const MAX_FACTS = 12

function ruleMeta(context: ComposeContext, name: string | undefined): RuleMeta | undefined {
  return name ? (context.rules ?? RULES).find((r) => r.meta.name === name)?.meta : undefined
}

function sourceLabel(d: Diagnostic): string {
  if (d.source === 'typescript') return 'type check'
  if (d.source === 'hedera-api') return 'SDK name check'
  return `rule \`${d.rule}\``
}

function patchBlock(patch: Patch): string {
  const where = patch.mode === 'add' ? `insert at line ${patch.startLine}` : patch.startLine === patch.endLine ? `replace line ${patch.startLine}` : `replace lines ${patch.startLine}-${patch.endLine}`
  return `   **Fix** (${where}): ${patch.title}\n\n   \`\`\`ts\n${patch.code.split('\n').map((l) => `   ${l}`).join('\n')}\n   \`\`\``
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat
}

function guideLines(ids: Iterable<string>, guides: Guide[]): string[] {
  const byId = new Map(guides.map((g) => [g.id, g]))
  return [...new Set(ids)].flatMap((id) => {
    const guide = byId.get(id)
    return guide ? [`- **${guide.title}** (guide \`${guide.id}\`): ${firstSentence(guide.intro)}`] : []
  })
}

/** The offline `code-review` answer: each finding in plain words, its patch, and the guide behind each rule. */
export function composeReviewAnswer(review: Review, context: ComposeContext): string {
  const parts: string[] = []
  const errors = review.diagnostics.filter((d) => d.severity === 'error').length
  const warnings = review.diagnostics.filter((d) => d.severity === 'warning').length
  const checked = `checked against \`@hiero-ledger/sdk\` ${context.sdkVersion}: its type declarations, its API index and the Hedera pitfall rules`
  if (review.diagnostics.length === 0) {
    parts.push(review.skipped && /^check skipped/.test(review.skipped) ? `I could not review this file: ${review.skipped}.` : `No problems found: the code was ${checked}.`)
  } else {
    parts.push(`Your code was ${checked}. Found ${errors} error${errors === 1 ? '' : 's'} and ${warnings} warning${warnings === 1 ? '' : 's'}${review.patches.length ? `; ${review.patches.length} with a fix you can apply` : ''}.`)
    const guides = new Set<string>()
    review.diagnostics.slice(0, MAX_LISTED).forEach((d, i) => {
      const meta = ruleMeta(context, d.rule)
      if (meta?.guide) guides.add(meta.guide)
      const lines = [`${i + 1}. **Line ${d.line}** (${d.severity}, ${sourceLabel(d)}): ${d.message}`]
      if (meta) lines.push(`   Why it matters: ${meta.why}`)
      const patch = review.patches.find((p) => d.line >= p.startLine && d.line <= p.endLine && p.source === d.source)
      if (patch) lines.push(patchBlock(patch))
      parts.push(lines.join('\n'))
    })
    if (review.diagnostics.length > MAX_LISTED) parts.push(`…and ${review.diagnostics.length - MAX_LISTED} more.`)
    const related = guideLines(guides, context.guides)
    if (related.length) parts.push(`**Guides behind these findings**\n\n${related.join('\n')}`)
  }
  if (review.skipped && !/^check skipped/.test(review.skipped)) parts.push(`_Note: ${review.skipped}._`)
  return parts.join('\n\n')
}

function findingTitle(f: RunFinding): string {
  if (f.status && f.error) return `**${f.error.name}** with status \`${f.status.value}\` (\`Status.${f.status.name}\`)`
  if (f.status) return `Status \`${f.status.value}\` (\`Status.${f.status.name}\`)`
  return `**${f.error!.name}**`
}

function findingBlock(f: RunFinding, codeLines: string[], analysis: RunAnalysis): string {
  const lines = [`### ${findingTitle(f)}`, '']
  if (f.error) lines.push(`- **What happened:** ${f.error.meaning}`)
  if (f.status) lines.push(`- **Meaning:** ${f.status.meaning}`, `- **Likely cause:** ${f.status.cause}`)
  if (f.line) lines.push(`- **Where:** line ${f.line}${codeLines[f.line - 1] ? `, \`${codeLines[f.line - 1]!.trim().slice(0, 120)}\`` : ''} (${f.lineReason})`)
  else if (f.lineReason) lines.push(`- **Where:** ${f.lineReason}`)
  lines.push(`- **Remedy:** ${f.status?.remedy ?? f.error!.remedy}`)
  const related = analysis.diagnostics.filter((d) => f.rules.includes(d.rule ?? ''))
  for (const d of related) {
    lines.push(`- **Found in your code, line ${d.line}:** ${d.message}`)
    const patch = analysis.patches.find((p) => d.line >= p.startLine && d.line <= p.endLine && p.source === d.source)
    if (patch) lines.push(patchBlock(patch).replace(/^ {3}/gm, '  '))
  }
  return lines.join('\n')
}

/** The offline `execution-analysis` answer: what the output's errors and statuses mean, where, and the remedy. */
export function composeRunAnswer(analysis: RunAnalysis, code: string, context: ComposeContext): string {
  if (analysis.findings.length === 0) {
    return [
      'I found no SDK error or network status in this output.',
      'If the run failed, paste the whole output including the error line (for example `ReceiptStatusError: ... contained error status INVALID_SIGNATURE`). If it ran but did something unexpected, ask about the step that surprised you, or use Review to check the code.',
      analysis.skipped ? `_Note: ${analysis.skipped}._` : '',
    ].filter(Boolean).join('\n\n')
  }
  const codeLines = code.split(/\r?\n/)
  const parts = analysis.findings.slice(0, 5).map((f) => findingBlock(f, codeLines, analysis))
  const guides = guideLines(analysis.findings.flatMap((f) => (f.guide ? [f.guide] : [])), context.guides)
  if (guides.length) parts.push(`**Guides**\n\n${guides.join('\n')}`)
  if (analysis.skipped) parts.push(`_Note: ${analysis.skipped}._`)
  return parts.join('\n\n')
}

/** A short block of checked facts for a model's context, so its answer starts from them. */
export function composeFacts(review?: Review, analysis?: RunAnalysis): string {
  const facts: string[] = []
  for (const d of review?.diagnostics.slice(0, MAX_FACTS) ?? []) facts.push(`- line ${d.line} ${d.severity} (${d.source}): ${d.message}`)
  for (const p of review?.patches.slice(0, MAX_FACTS) ?? []) facts.push(`- certain fix for line${p.startLine === p.endLine ? ` ${p.startLine}` : `s ${p.startLine}-${p.endLine}`}: ${p.title}`)
  if (review?.skipped) facts.push(`- ${review.skipped}`)
  for (const f of analysis?.findings.slice(0, 5) ?? []) {
    const what = [f.error?.name, f.status ? `status ${f.status.value} (Status.${f.status.name}): ${f.status.meaning}` : f.error?.meaning].filter(Boolean).join(', ')
    facts.push(`- run output: ${what}${f.line ? ` Most likely from line ${f.line}.` : ''} Remedy: ${f.status?.remedy ?? f.error?.remedy}`)
  }
  if (facts.length === 0) return ''
  return `Checked facts about the user's code and run (from the server's checks against the SDK, not guesses):\n${facts.join('\n')}`
}
