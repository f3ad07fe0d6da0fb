/** Reads a Server-Sent Events response into frames, as curl -N would see them. */
import type { ServerFrame } from '../../src/protocol/frames.js'

export interface SseEvent {
  event: string
  id: string | undefined
  frame: ServerFrame
}

export async function* readSse(response: Response): AsyncGenerator<SseEvent> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.startsWith(':')) continue
      const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]))
      yield { event: fields.event!, id: fields.id, frame: JSON.parse(fields.data!) as ServerFrame }
    }
  }
}

export async function collectSse(response: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = []
  for await (const event of readSse(response)) events.push(event)
  return events
}

export function postChat(base: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/api/playground/assistant/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  })
}

/** Starts an answer over SSE, reads `deltas` deltas, then closes the request as a dropped client would. */
export async function postChatAndDrop(base: string, body: unknown, deltas: number): Promise<{ seen: string[]; lastEventId: string }> {
  const controller = new AbortController()
  const res = await postChat(base, body, {}, controller.signal)
  const seen: string[] = []
  let lastEventId = ''
  for await (const event of readSse(res)) {
    if (event.event !== 'chat_delta') continue
    seen.push(event.frame.content!)
    lastEventId = event.id!
    if (seen.length === deltas) break
  }
  controller.abort()
  return { seen, lastEventId }
}
