/**
 * A linear Server-Sent Events parser for streamed model answers: text in (any split), the `data` of each
 * complete event out. Lines may end in \n, \r\n or \r; several `data:` lines of one event are joined with
 * \n; comments, `event`, `id` and `retry` fields are ignored (the chat stream does not use them). Only the
 * unfinished last line is kept between feeds, so the cost is one pass over the text.
 */
export interface SseParser {
  feed(text: string): void
  /** The stream ended: an event not terminated by a blank line is dropped, as the SSE spec says. */
  end(): void
  /** Between events: no unfinished line, no data waiting for its blank line (sse-reader.ts reads on from bytes). */
  idle(): boolean
}

export function createSseParser(onData: (data: string) => void): SseParser {
  let partial = ''
  let data: string | undefined
  let skipLeadingLf = false

  function line(text: string): void {
    if (text === '') {
      if (data !== undefined) {
        const event = data
        data = undefined
        onData(event)
      }
      return
    }
    if (text.charCodeAt(0) === 58 /* : */) return
    if (text.startsWith('data: ')) {
      // The usual line: no field name to cut out.
      data = data === undefined ? text.slice(6) : `${data}\n${text.slice(6)}`
      return
    }
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    if (field !== 'data') return
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.charCodeAt(0) === 32 /* space */) value = value.slice(1)
    data = data === undefined ? value : `${data}\n${value}`
  }

  return {
    feed(text) {
      let start = 0
      if (skipLeadingLf && text.charCodeAt(0) === 10) start = 1
      skipLeadingLf = false
      if (text.indexOf('\r', start) === -1) {
        // The usual case (\n only): let indexOf find the line ends instead of a loop over every character.
        for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
          const piece = text.slice(start, end)
          line(partial === '' ? piece : partial + piece)
          partial = ''
          start = end + 1
        }
        if (start < text.length) partial += text.slice(start)
        return
      }
      for (let i = start; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c !== 10 && c !== 13) continue
        const piece = text.slice(start, i)
        line(partial === '' ? piece : partial + piece)
        partial = ''
        if (c === 13) {
          if (i + 1 === text.length) skipLeadingLf = true
          else if (text.charCodeAt(i + 1) === 10) i++
        }
        start = i + 1
      }
      if (start < text.length) partial += text.slice(start)
    },
    end() {
      partial = ''
      data = undefined
    },
    idle: () => partial === '' && data === undefined && !skipLeadingLf,
  }
}
