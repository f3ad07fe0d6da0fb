/** Rule: the SDK moved from `@hashgraph/sdk` to `@hiero-ledger/sdk`; the fix renames the module. */
import { moduleSpecifier, walk } from './ast.js'
import type { Finding, Rule } from './rule.js'

export const oldSdkImport: Rule = {
  meta: {
    name: 'old-sdk-import',
    description: 'Imports the SDK under its old name `@hashgraph/sdk`.',
    why: 'The JavaScript SDK is published as `@hiero-ledger/sdk` now; the old package gets no new releases, and the Playground installs the new one.',
    fixable: true,
    guide: 'sdk-package-move',
  },
  check({ source }) {
    const findings: Finding[] = []
    walk(source, (node) => {
      const spec = moduleSpecifier(node)
      if (!spec || !/^@hashgraph\/sdk(\/|$)/.test(spec.text)) return
      const start = spec.getStart() + 1
      findings.push({
        start,
        end: spec.getEnd() - 1,
        severity: 'warning',
        message: "`@hashgraph/sdk` is the SDK's old package name; import from `@hiero-ledger/sdk`.",
        fix: { start, end: start + '@hashgraph/sdk'.length, text: '@hiero-ledger/sdk', title: 'Import from @hiero-ledger/sdk' },
      })
    })
    return findings
  },
}
