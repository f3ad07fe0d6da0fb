/** The shapes every part of code intelligence speaks (a diagnostic on the user's lines, a placed patch): the wire's own. */
export type { AppliedChange, Diagnostic, Patch, Severity } from '../protocol/wire.js'
