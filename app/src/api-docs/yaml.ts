/** JSON values -> YAML (block style, every string quoted as JSON, which YAML reads as-is): enough for docs/asyncapi.yaml. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const PLAIN_KEY = /^[A-Za-z_$][\w$.-]*$/

function key(name: string): string {
  return PLAIN_KEY.test(name) ? name : JSON.stringify(name)
}

function scalar(value: Json): string | undefined {
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.length === 0) return '[]'
  if (!Array.isArray(value) && Object.keys(value).length === 0) return '{}'
  return undefined
}

function lines(value: Json, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const simple = scalar(item)
      if (simple !== undefined) return [`${indent}- ${simple}`]
      const [first, ...rest] = lines(item, `${indent}  `)
      return [`${indent}- ${first!.trimStart()}`, ...rest]
    })
  }
  return Object.entries(value as Record<string, Json>).flatMap(([name, item]) => {
    const simple = scalar(item)
    if (simple !== undefined) return [`${indent}${key(name)}: ${simple}`]
    return [`${indent}${key(name)}:`, ...lines(item, `${indent}  `)]
  })
}

export function toYaml(value: Record<string, unknown>): string {
  return `${lines(value as Json, '').join('\n')}\n`
}
