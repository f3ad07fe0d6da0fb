/** Which methods a documented path allows, read from the OpenAPI document: the answer for 405 and its Allow header. */
import type { MiddlewareHandler } from 'hono'
import { httpError } from '../transport/http-error.js'

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** A matcher of request paths against the document's path templates (`{name}` is one segment). */
export function allowedMethodsOf(document: Record<string, unknown>): (path: string) => string[] | undefined {
  const paths = Object.entries(document.paths as Record<string, Record<string, unknown>>).map(([template, item]) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')
    const methods = METHODS.filter((m) => m in item).map((m) => m.toUpperCase())
    // HEAD is answered wherever GET is.
    if (methods.includes('GET')) methods.push('HEAD')
    return { regex: new RegExp(`^${pattern}$`), methods }
  })
  return function allowedMethods(path) {
    return paths.find((p) => p.regex.test(path))?.methods
  }
}

/** 405 with Allow for a documented path asked with another method; everything else goes on (a CORS preflight is answered before). */
export function methodNotAllowed(allowedMethods: (path: string) => string[] | undefined): MiddlewareHandler {
  return async function refuseOtherMethods(c, next) {
    const allow = allowedMethods(c.req.path)
    if (!allow || allow.includes(c.req.method)) return next()
    const error = `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(', ')}`
    return httpError('method_not_allowed', error, { headers: { allow: allow.join(', ') } })
  }
}
