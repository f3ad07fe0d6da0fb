/**
 * The model stream's bytes -> its events, with the usual text chunk read where it lies. Nearly every event of a
 * streamed answer is one line, `data: {...same JSON as the last chunk...}` and a blank line, whole in one read.
 * Such an event is handed to `readText` as a byte range, which matches it against the content template and makes
 * a string of its text alone; decoding the ~200-byte chunk and slicing it made ~20 KB of garbage per 50-token
 * answer (docs/benchmarks.md, Round 11). Everything else (the first chunks, tool calls, the finish, CRLF
 * streams, an event split across reads) is decoded and parsed as text exactly as before.
 */
import { createSseParser } from './sse-parser.js'
import { utf8Reader } from './utf8-reader.js'

const DATA = Buffer.from('data: ')
const EVENT_END = Buffer.from('\n\n')
const LF = 10

export interface SseReaderHandlers {
  /** The data of an event read as text. */
  onData: (data: string) => void
  /** The text of a one-line event whose value is at [start, end) of `chunk`, or undefined to have it read as text. */
  readText: (chunk: Buffer, start: number, end: number) => string | undefined
  /** A text `readText` gave. */
  onText: (text: string) => void
}

export interface SseReader {
  feed(chunk: Buffer): void
  end(): void
}

export function createSseReader(handlers: SseReaderHandlers): SseReader {
  const parser = createSseParser(handlers.onData)
  const decode = utf8Reader()
  // The last byte decoded was ASCII, so the decoder holds no part of a character.
  let whole = true

  /** `data: <value>\n\n` from `at`, read by readText: the position after it, or -1. */
  function oneLineEvent(chunk: Buffer, at: number): number {
    if (chunk.length - at < DATA.length + 2 || chunk.compare(DATA, 0, DATA.length, at, at + DATA.length) !== 0) return -1
    const lineEnd = chunk.indexOf(LF, at + DATA.length)
    if (lineEnd === -1 || chunk[lineEnd + 1] !== LF) return -1
    const text = handlers.readText(chunk, at + DATA.length, lineEnd)
    if (text === undefined) return -1
    handlers.onText(text)
    return lineEnd + 2
  }

  return {
    feed(chunk) {
      let at = 0
      while (at < chunk.length) {
        const next = whole && parser.idle() ? oneLineEvent(chunk, at) : -1
        if (next !== -1) {
          at = next
          continue
        }
        // As text, up to the end of the next event (after which the parser is idle again) or of the read.
        const eventEnd = chunk.indexOf(EVENT_END, at)
        const stop = eventEnd === -1 ? chunk.length : eventEnd + EVENT_END.length
        parser.feed(decode(at === 0 && stop === chunk.length ? chunk : chunk.subarray(at, stop)))
        whole = chunk[stop - 1]! < 0x80
        at = stop
      }
    },
    end: () => parser.end(),
  }
}
