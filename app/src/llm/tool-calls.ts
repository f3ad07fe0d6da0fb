/** The Chat Completions side of tools: how they are offered, and the messages that carry calls and results back. */
import type { AnswerTools, ChatMessage, ToolCall } from './client.js'

/** Tool calls of one streamed step, by their index in the stream (arguments arrive in pieces). */
export type ToolAccumulator = Map<number, { id: string; name: string; arguments: string }>

/** A message of the upstream conversation: ours, or the assistant's tool calls and their results. */
export type UpstreamMessage =
  | ChatMessage
  | { role: 'assistant'; content: string | null; tool_calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] }
  | { role: 'tool'; tool_call_id: string; content: string }

/** Request fields for step `step`: tools offered in the first, and in the second only so the history reads (no more calls). */
export function toolRequestFields(tools: AnswerTools | undefined, step: number): Record<string, unknown> {
  if (!tools || tools.specs.length === 0) return {}
  return {
    tools: tools.specs.map((spec) => ({ type: 'function', function: { name: spec.name, description: spec.description, parameters: spec.parameters } })),
    tool_choice: step === 0 ? 'auto' : 'none',
  }
}

/** Runs each call (in order) and returns the conversation with the calls and their results appended. */
export async function afterToolCalls(conversation: UpstreamMessage[], text: string, calls: ToolCall[], tools: AnswerTools): Promise<UpstreamMessage[]> {
  const results: UpstreamMessage[] = []
  for (const call of calls) results.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(await tools.run(call)) })
  const asked: UpstreamMessage = {
    role: 'assistant',
    content: text || null,
    tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
  }
  return [...conversation, asked, ...results]
}
