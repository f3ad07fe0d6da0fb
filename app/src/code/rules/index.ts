/** The pitfall rules, in the order their findings are reported (a more specific rule first). */
import { deprecatedApi } from './deprecated-api.js'
import { hbarTransferSum } from './hbar-transfer-sum.js'
import { hbarUnits } from './hbar-units.js'
import { oldSdkImport } from './old-sdk-import.js'
import { privateKeyShape } from './private-key-shape.js'
import type { Rule } from './rule.js'
import { signBeforeFreeze } from './sign-before-freeze.js'
import { singleIdArray } from './single-id-array.js'
import { unawaitedCall } from './unawaited-call.js'

export const RULES: readonly Rule[] = [oldSdkImport, privateKeyShape, unawaitedCall, signBeforeFreeze, singleIdArray, hbarTransferSum, hbarUnits, deprecatedApi]

export { parse, runRules, type Rule, type RuleMeta } from './rule.js'
