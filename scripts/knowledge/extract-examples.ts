/** Writes every Java and Rust guide's examples as files to compile: `<out>/java/<Class>.java` and `<out>/rust/src/bin/<guide>_<n>.rs`. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readGuides, type Guide } from '../../app/src/knowledge/guide-file.js'

const GUIDES = fileURLToPath(new URL('../../knowledge/guides', import.meta.url))

/** A Java example's file must be named after its public class. */
export function javaClassName(example: string, guide: string): string {
  const name = /^public\s+(?:final\s+)?class\s+(\w+)/m.exec(example)?.[1]
  if (!name) throw new Error(`${guide}: a java example has no "public class Name"; write each example as one public class with a main method`)
  return name
}

export function extractExamples(out: string): { java: number; rust: number } {
  const javaDir = join(out, 'java')
  const rustBin = join(out, 'rust', 'src', 'bin')
  for (const dir of [javaDir, rustBin]) mkdirSync(dir, { recursive: true })
  const written = new Set<string>()
  // An unchanged example keeps its file (and mtime), so cargo's incremental check and javac's stamp skip it.
  const write = (path: string, text: string) => {
    written.add(path)
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text)
  }
  const counts = { java: 0, rust: 0 }
  const owners = new Map<string, string>()
  for (const guide of guidesOf('java')) {
    for (const example of guide.examples) {
      const name = javaClassName(example, guide.id)
      const earlier = owners.get(name)
      if (earlier) throw new Error(`${guide.id}: class ${name} is also the example class of ${earlier}; give each example its own class name`)
      owners.set(name, guide.id)
      write(join(javaDir, `${name}.java`), example)
      counts.java++
    }
  }
  for (const guide of guidesOf('rust')) {
    guide.examples.forEach((example, n) => {
      write(join(rustBin, `${guide.id.replace(/-/g, '_')}_${n + 1}.rs`), example)
      counts.rust++
    })
  }
  // Examples of removed guides go too.
  for (const dir of [javaDir, rustBin]) for (const name of readdirSync(dir)) if (!written.has(join(dir, name))) rmSync(join(dir, name))
  return counts
}

function guidesOf(language: 'java' | 'rust'): Guide[] {
  const dir = join(GUIDES, language)
  return readdirSync(dir).length ? readGuides(dir) : []
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2]
  if (!out) throw new Error('usage: extract-examples.ts <output dir>')
  const counts = extractExamples(out)
  console.log(`${counts.java} java, ${counts.rust} rust examples written to ${out}`)
}
