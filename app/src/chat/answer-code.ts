/**
 * The code steps of an answer: the editor's file checked before the model answers (code review, run analysis),
 * the proposeCode tool placed on its lines, and the answer's own TS/JS code checked after.
 */
import type { CodeIntelligence, Review, RunAnalysis } from '../code/index.js'
import { parseProposeCodeInput, PROPOSE_CODE_DESCRIPTION, PROPOSE_CODE_TOOL, proposeCodeJsonSchema } from '../code/index.js'
import type { AnswerTools } from '../llm/client.js'
import type { EditorContext } from '../protocol/editor-context.js'
import type { CodeCheck } from '../protocol/frames.js'
import type { Answer } from './answer.js'

export type CodeSteps = Pick<CodeIntelligence, 'reviewCode' | 'analyzeRun' | 'placeChanges' | 'composeReview' | 'composeRunAnalysis' | 'facts'>

/** What the server's own checks found in the editor's state. */
export interface EditorFindings {
  check: CodeCheck
  /** The findings as plain facts for the model's context, so its answer starts from them. */
  facts: string
  /** The findings as a whole answer, for the offline client. */
  answer: string
}

/** Checks the editor's file (code-review) or reads its run output (execution-analysis); nothing in the other mode. */
export async function examineEditor(code: CodeSteps, editor: EditorContext | undefined, language: string | undefined): Promise<EditorFindings | undefined> {
  if (!editor || editor.type === 'general-assistant') return undefined
  const lang = editor.language ?? language ?? 'typescript'
  if (editor.type === 'code-review') {
    const review: Review = await code.reviewCode({ code: editor.code, language: lang, ...(editor.currentLine ? { currentLine: editor.currentLine } : {}) })
    return { check: checkOf('editor', review), facts: code.facts(review), answer: code.composeReview(review) }
  }
  const run: RunAnalysis = code.analyzeRun({ code: editor.code, output: editor.output, language: lang })
  return { check: checkOf('editor', run), facts: code.facts(undefined, run), answer: code.composeRunAnalysis(run, editor.code) }
}

function checkOf(of: CodeCheck['of'], result: Pick<Review, 'diagnostics' | 'patches' | 'skipped'>): CodeCheck {
  return { of, diagnostics: result.diagnostics, patches: result.patches, ...(result.skipped ? { skipped: result.skipped } : {}) }
}

/**
 * The proposeCode tool of a code review with a model: each call's changes are placed on the editor's lines by
 * their context (no second model call), sent to the client as a chat_tool frame, and returned to the model.
 */
export function proposeCodeTool(code: CodeSteps, editor: EditorContext, answer: Answer): AnswerTools {
  return {
    specs: [{ name: PROPOSE_CODE_TOOL, description: PROPOSE_CODE_DESCRIPTION, parameters: proposeCodeJsonSchema() }],
    run(call) {
      let input: unknown
      try {
        input = JSON.parse(call.arguments)
      } catch {
        return Promise.resolve({ error: 'The arguments are not JSON; send { "changes": [...] }' })
      }
      const parsed = call.name === PROPOSE_CODE_TOOL ? parseProposeCodeInput(input) : ({ ok: false, error: `No tool ${call.name}; the tool is ${PROPOSE_CODE_TOOL}` } as const)
      if (!parsed.ok) return Promise.resolve({ error: parsed.error })
      const placed = code.placeChanges(editor.code, parsed.value.changes)
      const output = { proposedChanges: parsed.value.changes, appliedChanges: placed.appliedChanges, ...(placed.refusedChanges.length > 0 ? { refusedChanges: placed.refusedChanges } : {}) }
      answer.tool({ toolCallId: call.id, toolName: PROPOSE_CODE_TOOL, input: parsed.value, output })
      return Promise.resolve(output)
    },
  }
}

/** Fenced blocks labelled TypeScript or JavaScript (an unlabelled block may be a shell session or output). */
const CODE_BLOCK = /```(?:ts|typescript|js|javascript|tsx|jsx)[ \t]*\n([\s\S]*?)```/g

/**
 * The answer's TypeScript/JavaScript blocks, joined, checked by the pitfall rules and the API-name check. Compiler
 * findings are left out: a snippet in an answer is rarely a whole program (no imports, a `client` from the text),
 * and a check that flags correct code is worse than none. Undefined when the answer has no such block.
 */
export async function checkAnswerCode(code: CodeSteps, markdown: string): Promise<CodeCheck | undefined> {
  const blocks = [...markdown.matchAll(CODE_BLOCK)].map(([, body]) => body!)
  if (blocks.length === 0) return undefined
  const review = await code.reviewCode({ code: blocks.join('\n'), language: 'typescript' })
  const diagnostics = review.diagnostics.filter((d) => d.source !== 'typescript')
  return { of: 'answer', diagnostics, patches: [], ...(review.skipped ? { skipped: review.skipped } : {}) }
}
