/** Bounds on what is checked: size, line count, binary junk, and which editor languages the checks cover. */

export interface CodeLimits {
  /** Largest file checked, in UTF-8 bytes (default 200 KB). */
  maxBytes: number
  /** Most lines checked (default 5,000). */
  maxLines: number
}

export const DEFAULT_LIMITS: CodeLimits = { maxBytes: 200_000, maxLines: 5_000 }

export type CheckedLanguage = 'typescript' | 'javascript'

/** The editor's language as the checks know it, or undefined for languages they do not cover. */
export function checkedLanguage(language: string): CheckedLanguage | undefined {
  const l = language.trim().toLowerCase()
  if (['typescript', 'ts', 'tsx', 'mts', 'cts'].includes(l)) return 'typescript'
  if (['javascript', 'js', 'jsx', 'mjs', 'cjs', 'node'].includes(l)) return 'javascript'
  return undefined
}

/** Why the file is not checked at all (too big, too long, not text), or undefined when it is fine. */
export function inputProblem(code: string, limits: CodeLimits): string | undefined {
  const bytes = Buffer.byteLength(code, 'utf8')
  if (bytes > limits.maxBytes) return `check skipped: the file is ${Math.round(bytes / 1000)} KB, over the ${Math.round(limits.maxBytes / 1000)} KB the checker reads`
  let lines = 1
  let odd = 0
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i)
    if (c === 10) lines++
    else if (c === 0) return 'check skipped: the file contains NUL bytes, so it is binary, not source code'
    else if ((c < 32 && c !== 9 && c !== 13 && c !== 12) || c === 0xfffd) odd++
  }
  if (lines > limits.maxLines) return `check skipped: the file has ${lines} lines, over the ${limits.maxLines} the checker reads`
  if (odd > 16 && odd > code.length / 100) return 'check skipped: the file is mostly control characters, not source code'
  return undefined
}
