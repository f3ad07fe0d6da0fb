/** Offsets <-> 1-based lines and columns of a text, and its lines, for diagnostics and patches. */

export interface LineIndex {
  /** 1-based line and column of an offset (clamped to the text). */
  position(offset: number): { line: number; column: number }
  /** The offset of the start of a 1-based line. */
  lineStart(line: number): number
  count: number
}

export function lineIndex(text: string): LineIndex {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  return {
    count: starts.length,
    lineStart: (line) => starts[Math.min(Math.max(line, 1), starts.length) - 1]!,
    position(offset) {
      const at = Math.min(Math.max(offset, 0), text.length)
      let lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (starts[mid]! <= at) lo = mid
        else hi = mid - 1
      }
      return { line: lo + 1, column: at - starts[lo]! + 1 }
    },
  }
}

/** The lines of a text without their line breaks (CRLF or LF). */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/)
}
