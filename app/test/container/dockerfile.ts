// A small reader of the Dockerfile and .dockerignore, enough for this project's container checks:
// the static rules test (dockerfile.test.ts); the real build and run is scripts/check-container.sh.
// It follows Docker's documented syntax: `\` line continuations, `#` comment lines, `--flag=value`
// options, JSON ("exec") and shell forms, `FROM image AS name` stages, and .dockerignore
// patterns with Go filepath.Match wildcards, `**`, `!` exceptions and "the last match wins".

export interface Instruction {
  keyword: string // upper-cased: FROM, COPY, RUN, ...
  flags: Record<string, string> // leading --name=value options (--from, --chown, --interval, ...)
  args: string // the rest of the instruction, flags removed
  json: string[] | undefined // the exec (JSON array) form, when used
  line: number // 1-based line where the instruction starts
}

export interface Stage {
  index: number
  name: string | undefined // the `AS name`
  from: string // image or earlier stage name
  instructions: Instruction[] // everything after FROM, up to the next FROM
}

export interface Dockerfile {
  globals: Instruction[] // instructions before the first FROM (ARG)
  stages: Stage[]
}

const FLAGGED = new Set(['FROM', 'COPY', 'ADD', 'RUN', 'HEALTHCHECK'])

function splitFlags(rest: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {}
  let args = rest.trimStart()
  for (;;) {
    const m = /^--([A-Za-z][\w-]*)(?:=(\S*))?(?:\s+|$)/.exec(args)
    if (!m) break
    flags[m[1]!] = m[2] ?? 'true'
    args = args.slice(m[0].length)
  }
  return { flags, args: args.trim() }
}

function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined
  try {
    const value: unknown = JSON.parse(args)
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value
  } catch {
    // Not valid JSON: Docker then treats it as the shell form.
  }
  return undefined
}

/** Parses a Dockerfile's text into global instructions and build stages. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/)
  const instructions: Instruction[] = []
  let buf = ''
  let start = 0
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const trimmed = raw.trim()
    if (buf === '') {
      if (trimmed === '' || trimmed.startsWith('#')) continue
      start = i + 1
    } else if (trimmed.startsWith('#') || trimmed === '') {
      continue // comment or empty lines inside a continued instruction are dropped
    }
    if (/\\\s*$/.test(raw)) {
      buf += raw.replace(/\\\s*$/, '')
      continue
    }
    buf += raw
    const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(buf)
    if (!m) throw new Error(`Dockerfile line ${start}: cannot parse ${JSON.stringify(buf)}`)
    const keyword = m[1]!.toUpperCase()
    const rest = (m[2] ?? '').trim()
    const { flags, args } = FLAGGED.has(keyword) ? splitFlags(rest) : { flags: {}, args: rest }
    instructions.push({ keyword, flags, args, json: jsonForm(args), line: start })
    buf = ''
  }
  if (buf !== '') throw new Error(`Dockerfile line ${start}: unterminated line continuation`)

  const out: Dockerfile = { globals: [], stages: [] }
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)
      if (!m) throw new Error(`Dockerfile line ${ins.line}: bad FROM ${JSON.stringify(ins.args)}`)
      out.stages.push({ index: out.stages.length, name: m[2]?.toLowerCase(), from: m[1]!, instructions: [] })
    } else if (out.stages.length === 0) {
      out.globals.push(ins)
    } else {
      out.stages[out.stages.length - 1]!.instructions.push(ins)
    }
  }
  return out
}

/** The default values of the ARGs declared before the first FROM (the ones a FROM line may use). */
export function globalArgs(df: Dockerfile): Record<string, string> {
  const out: Record<string, string> = {}
  for (const ins of df.globals.filter((i) => i.keyword === 'ARG')) {
    const m = /^([A-Za-z_]\w*)(?:=(.*))?$/.exec(ins.args)
    if (m) out[m[1]!] = (m[2] ?? '').replace(/^"(.*)"$/, '$1')
  }
  return out
}

/** A stage's FROM with `${NAME}` / `$NAME` replaced by the global ARG defaults, as a build without --build-arg sees it. */
export function resolvedFrom(df: Dockerfile, stage: Stage): string {
  const args = globalArgs(df)
  return stage.from.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => args[(braced ?? bare)!] ?? whole)
}

/** The stage that a name or index refers to (COPY --from=..., FROM <stage>). */
export function findStage(df: Dockerfile, ref: string): Stage | undefined {
  if (/^\d+$/.test(ref)) return df.stages[Number(ref)]
  return df.stages.find((s) => s.name === ref.toLowerCase())
}

export interface CopySpec {
  from: string | undefined
  sources: string[]
  dest: string
  line: number
}

/** A COPY (or ADD) instruction's sources and destination, in either form. */
export function copySpec(ins: Instruction): CopySpec {
  const parts = ins.json ?? ins.args.split(/\s+/).filter(Boolean)
  if (parts.length < 2) throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} needs a source and a destination`)
  return { from: ins.flags.from, sources: parts.slice(0, -1), dest: parts[parts.length - 1]!, line: ins.line }
}

function unquote(v: string): string {
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1)
  return v
}

/** The variables set by an ENV instruction (`K=V K2="V 2"`, or the legacy `K V`). */
export function envPairs(ins: Instruction): Record<string, string> {
  const out: Record<string, string> = {}
  if (!ins.args.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(ins.args)
    if (m) out[m[1]!] = m[2]!.trim()
    return out
  }
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g
  for (const m of ins.args.matchAll(re)) out[m[1]!] = unquote(m[2]!)
  return out
}

/** The command of a HEALTHCHECK instruction: its flags and exec form, or undefined for NONE. */
export function healthcheck(ins: Instruction): { flags: Record<string, string>; json: string[] | undefined; shell: string } | undefined {
  const m = /^(CMD|NONE)\b\s*([\s\S]*)$/i.exec(ins.args)
  if (!m || m[1]!.toUpperCase() === 'NONE') return undefined
  const rest = m[2]!.trim()
  return { flags: ins.flags, json: jsonForm(rest), shell: rest }
}

// ---- .dockerignore ----

export interface IgnorePattern {
  negate: boolean
  pattern: string // cleaned, relative, with / separators
  regex: RegExp
}

function cleanPath(p: string): string {
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') out.pop()
    else out.push(seg)
  }
  return out.join('/')
}

// Go's filepath.Match syntax plus `**` (any number of directories), as Docker's pattern matcher.
function patternRegex(pattern: string): RegExp {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++
        if (pattern[i + 1] === '/') {
          i++
          re += '(?:.*/)?'
        } else {
          re += '.*'
        }
      } else {
        re += '[^/]*'
      }
    } else if (c === '?') {
      re += '[^/]'
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) throw new Error(`.dockerignore: unterminated [ in ${pattern}`)
      let cls = pattern.slice(i + 1, end)
      if (cls.startsWith('^')) cls = '^' + cls.slice(1)
      re += `[${cls.replace(/\\/g, '\\\\')}]`
      i = end
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(re + '$')
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = []
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    let negate = false
    if (line.startsWith('!')) {
      negate = true
      line = line.slice(1).trim()
    }
    const pattern = cleanPath(line)
    if (pattern === '') continue
    out.push({ negate, pattern, regex: patternRegex(pattern) })
  }
  return out
}

/** Whether Docker leaves `path` (relative to the context, / separated) out of the build context. */
export function isIgnored(patterns: IgnorePattern[], path: string): boolean {
  const clean = cleanPath(path)
  const segs = clean.split('/')
  const candidates = segs.map((_, i) => segs.slice(0, i + 1).join('/')) // parents first, then the path
  let ignored = false
  for (const p of patterns) {
    if (candidates.some((c) => p.regex.test(c))) ignored = !p.negate
  }
  return ignored
}

/** Whether a walk of the context must still look inside an ignored directory (an exception may re-include something in it). */
export function mayHoldExceptions(patterns: IgnorePattern[], dir: string): boolean {
  const clean = cleanPath(dir)
  return patterns.some((p) => p.negate && (p.pattern.startsWith(clean + '/') || /^[*?[]/.test(p.pattern) || p.pattern.includes('**')))
}
