// Static rules for the image (no Docker engine runs here): reads the Dockerfile and .dockerignore
// and checks what the deploy docs promise. scripts/check-container.sh adds hadolint and a real podman
// build and run of the image.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { copySpec, envPairs, findStage, globalArgs, healthcheck, isIgnored, parseDockerfile, resolvedFrom, parseDockerignore, type Dockerfile, type Stage } from './dockerfile.js'

const root = join(import.meta.dirname, '..', '..', '..')
const df = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'))
const ignore = parseDockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: { start: string } }
const runtime = df.stages[df.stages.length - 1]!

const ins = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword)
const runs = (stage: Stage) => ins(stage, 'RUN').map((i) => i.args)
/** A stage and the stages it is built FROM, nearest first. */
function lineage(d: Dockerfile, stage: Stage): Stage[] {
  const out = [stage]
  for (let s = findStage(d, stage.from); s && s.index < out[out.length - 1]!.index; s = findStage(d, s.from)) out.push(s)
  return out
}

describe('Dockerfile', () => {
  it('is multi-stage: production deps, build, runtime', () => {
    expect(df.stages.length).toBeGreaterThanOrEqual(3)
    expect(df.stages.map((s) => s.name)).toEqual(expect.arrayContaining(['deps', 'build', 'runtime']))
    expect(runtime.name).toBe('runtime')
  })

  it('uses the Node 24 LTS image, pinned by tag (never latest or untagged), by default through ARG NODE_IMAGE', () => {
    expect(globalArgs(df).NODE_IMAGE).toBe('node:24-bookworm-slim')
    for (const s of df.stages) {
      if (findStage(df, s.from)) continue // built FROM an earlier stage
      expect(s.from).toBe('${NODE_IMAGE}') // so the check can build on a local stand-in
      expect(resolvedFrom(df, s)).toMatch(/^node:24(?:[.-][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/)
    }
  })

  it('builds with npm ci and npm run build, from the lockfile', () => {
    const build = findStage(df, 'build')!
    const steps = lineage(df, build).flatMap(runs)
    expect(steps.some((r) => /\bnpm ci\b/.test(r))).toBe(true)
    expect(steps.some((r) => /\bnpm run build\b/.test(r))).toBe(true)
    const copied = lineage(df, build)
      .flatMap((s) => ins(s, 'COPY'))
      .flatMap((i) => copySpec(i).sources)
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'app/src']))
  })

  it('puts only production dependencies in the runtime (npm ci --omit=dev)', () => {
    const runtimeSteps = runs(runtime)
    const ownInstall = runtimeSteps.some((r) => /\bnpm ci\b[^&;|]*--omit=dev/.test(r))
    const fromStage = ins(runtime, 'COPY')
      .map(copySpec)
      .filter((c) => c.sources.some((s) => /(^|\/)node_modules\/?$/.test(s)))
    // node_modules comes either from the runtime's own `npm ci --omit=dev` or from a stage that runs exactly that.
    expect(ownInstall || fromStage.length > 0).toBe(true)
    for (const c of fromStage) {
      expect(c.from, `COPY at line ${c.line} must take node_modules from a stage`).toBeDefined()
      const src = findStage(df, c.from!)!
      const steps = lineage(df, src)
        .flatMap(runs)
        .filter((r) => /\bnpm (ci|install|i)\b/.test(r))
      expect(steps.length).toBeGreaterThan(0)
      for (const r of steps) expect(r).toMatch(/\bnpm ci\b.*--omit=dev/)
    }
    expect(runtimeSteps.filter((r) => /\bnpm (install|i)\b/.test(r))).toEqual([])
  })

  it('never copies node_modules or dist from the host, and uses no ADD', () => {
    for (const s of df.stages) {
      expect(ins(s, 'ADD')).toEqual([])
      for (const c of ins(s, 'COPY').map(copySpec)) {
        if (c.from !== undefined) continue
        for (const src of c.sources) expect(src).not.toMatch(/(^|\/)(node_modules|dist)(\/|$)|^\.$|^\.\/?$/)
      }
    }
  })

  it('runs as a non-root user', () => {
    const users = ins(runtime, 'USER').map((i) => i.args)
    expect(users.length).toBeGreaterThan(0)
    const last = users[users.length - 1]!.split(':')[0]!
    expect(['root', '0', '']).not.toContain(last)
    // USER comes after every RUN/COPY that needs root, and nothing switches back.
    const lastUserLine = ins(runtime, 'USER').at(-1)!.line
    expect(runtime.instructions.filter((i) => i.keyword === 'RUN' && i.line > lastUserLine)).toEqual([])
  })

  it('sets NODE_ENV=production and EXPOSEs 3001', () => {
    const env = Object.assign(
      {},
      ...lineage(df, runtime)
        .reverse()
        .flatMap((s) => ins(s, 'ENV').map(envPairs)),
    ) as Record<string, string>
    expect(env.NODE_ENV).toBe('production')
    expect(ins(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/))).toContain('3001')
  })

  it("starts node directly in exec form (SIGTERM reaches node), on package.json's main, with npm start's flags", () => {
    const cmds = ins(runtime, 'CMD')
    expect(cmds.length).toBe(1)
    // `npm start` and the image run the server alike; the relay benchmark reads the flags from `npm start`.
    expect(cmds[0]!.json!.join(' ')).toBe(pkg.scripts.start)
    expect(cmds[0]!.json).toEqual(['node', '--max-semi-space-size=32', '--no-allocation-site-pretenuring', pkg.main])
    expect(pkg.main).toBe('dist/main.js')
    expect(ins(runtime, 'ENTRYPOINT')).toEqual([]) // no wrapper shell or npm in front of node
  })

  it('has an exec-form HEALTHCHECK on the health endpoint that needs no curl', () => {
    const h = ins(runtime, 'HEALTHCHECK').map(healthcheck)
    expect(h.length).toBe(1)
    expect(h[0]?.json?.[0]).toBe('node')
    expect(h[0]?.json?.join(' ')).toContain('/api/playground/assistant/health')
  })
})

describe('.dockerignore', () => {
  const left = [
    'node_modules/hono/package.json',
    'dist/main.js',
    '.git/HEAD',
    '.tools/bin/actionlint',
    '.env',
    'infra/terraform/main.tf',
    'charts/hedera-playground-assistant/Chart.yaml',
    'app/test/support/x.ts',
    'bench/relay.bench.ts',
    'docs/contract.md',
    '.github/workflows/ci.yml',
    'scripts/test.sh',
    'coverage/index.html',
    'Dockerfile',
    'cloudbuild.yaml',
    'app/src/config.test.ts',
    'app/src/llm/x.test.ts',
  ]
  it.each(left)('leaves %s out of the build context', (path) => {
    expect(isIgnored(ignore, path)).toBe(true)
  })

  it('keeps every host file that the Dockerfile COPYs', () => {
    const sources = df.stages
      .flatMap((s) => ins(s, 'COPY').map(copySpec))
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources)
    expect(sources.length).toBeGreaterThan(0)
    for (const src of sources) expect(isIgnored(ignore, src), src).toBe(false)
    expect(isIgnored(ignore, 'app/src/main.ts')).toBe(false)
    expect(isIgnored(ignore, 'app/src/llm/openai.ts')).toBe(false)
  })
})

describe('the Dockerfile and .dockerignore readers', () => {
  it('joins continuation lines, drops comments, and reads flags and both forms', () => {
    const d = parseDockerfile(
      [
        '# syntax comment',
        'ARG X=1',
        'FROM node:24-alpine AS a',
        'RUN echo one \\',
        '  # a comment inside',
        '  && echo two',
        'FROM a AS b',
        'COPY --from=a --chown=1000:1000 /app/x ./y',
        'ENV A=1 B="two words" C=\'3\'',
        'HEALTHCHECK --interval=5s CMD ["node", "-e", "0"]',
        'CMD ["node", "dist/main.js"]',
      ].join('\n'),
    )
    expect(d.globals.map((i) => i.keyword)).toEqual(['ARG'])
    expect(d.stages.map((s) => [s.name, s.from])).toEqual([
      ['a', 'node:24-alpine'],
      ['b', 'a'],
    ])
    expect(d.stages[0]!.instructions[0]!.args).toBe('echo one   && echo two')
    const copy = copySpec(d.stages[1]!.instructions[0]!)
    expect(copy).toMatchObject({ from: 'a', sources: ['/app/x'], dest: './y' })
    expect(envPairs(d.stages[1]!.instructions[1]!)).toEqual({ A: '1', B: 'two words', C: '3' })
    expect(healthcheck(d.stages[1]!.instructions[2]!)).toMatchObject({ flags: { interval: '5s' }, json: ['node', '-e', '0'] })
    expect(d.stages[1]!.instructions[3]!.json).toEqual(['node', 'dist/main.js'])
    expect(parseDockerfile('FROM n\nCMD node x').stages[0]!.instructions[0]!.json).toBeUndefined()
  })

  it('resolves a FROM through the global ARG defaults, leaving unknown names as written', () => {
    const d = parseDockerfile(['ARG BASE="node:24-bookworm-slim"', 'ARG FLAVOUR', 'FROM ${BASE} AS a', 'FROM $BASE', 'FROM ${OTHER}:1'].join('\n'))
    expect(globalArgs(d)).toEqual({ BASE: 'node:24-bookworm-slim', FLAVOUR: '' })
    expect(d.stages.map((s) => resolvedFrom(d, s))).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim', '${OTHER}:1'])
  })

  it('matches like Docker: last match wins, parents count, ** spans directories', () => {
    const p = parseDockerignore('# c\n*\n!src\nsrc/**/*.test.ts\n/docs/\n!docs/keep.md\n*.log\n')
    expect(isIgnored(p, 'README.md')).toBe(true)
    expect(isIgnored(p, 'src/a.ts')).toBe(false)
    expect(isIgnored(p, 'src/deep/a.ts')).toBe(false)
    expect(isIgnored(p, 'src/a.test.ts')).toBe(true)
    expect(isIgnored(p, 'src/deep/a.test.ts')).toBe(true)
    expect(isIgnored(p, 'docs/keep.md')).toBe(false)
    expect(isIgnored(p, 'docs/other.md')).toBe(true)
    expect(isIgnored(p, 'src/x.log')).toBe(false) // `*.log` is anchored at the context root
    const q = parseDockerignore('node_modules\n**/*.map\n')
    expect(isIgnored(q, 'node_modules/a/b.js')).toBe(true)
    expect(isIgnored(q, 'a/node_modules/b.js')).toBe(false)
    expect(isIgnored(q, 'x.map')).toBe(true)
    expect(isIgnored(q, 'a/b/x.map')).toBe(true)
    expect(isIgnored(q, 'a/b/x.js')).toBe(false)
  })
})
