import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkTypedApi } from './api-check-typed.js'
import { loadKnowledge } from './knowledge-base.js'

const kb = loadKnowledge(join(fileURLToPath(new URL('../../..', import.meta.url)), 'knowledge'))
const java = kb.corpus('java')!
const rust = kb.corpus('rust')!
const block = (lang: string, code: string) => `Here:\n\n\`\`\`${lang}\n${code}\n\`\`\`\n`

describe('checkTypedApi', () => {
  it('finds no unknown name in any Java or Rust guide example, and checks a good number of names in each', () => {
    for (const corpus of [java, rust]) {
      for (const guide of corpus.guides) {
        const result = checkTypedApi(block(corpus.language, guide.examples[0]!), corpus.language as 'java' | 'rust', corpus.names)
        expect({ guide: guide.id, unknown: result.unknown }).toEqual({ guide: guide.id, unknown: [] })
        expect(result.checked, guide.id).toBeGreaterThanOrEqual(4)
      }
    }
  })

  it('flags Java names the SDK does not have: a misspelt setter in a chain, a JavaScript-only name, a made-up static', () => {
    const code = [
      'import com.hedera.hashgraph.sdk.AccountCreateTransaction;',
      'import com.hedera.hashgraph.sdk.PrivateKey;',
      'Client client = Client.forTestnett();',
      'PrivateKey key = PrivateKey.generateECDSA();',
      'new AccountCreateTransaction().setKeyWithoutAlias(key.getPublicKey()).setECDSAKeyWithAlias(key).setInitalBalance(new Hbar(1)).execute(client);',
      'var s = Status.SUCCESS; var t = Status.SUCESS;',
    ].join('\n')
    const result = checkTypedApi(block('java', code), 'java', java.names)
    expect(result.unknown.toSorted()).toEqual(['AccountCreateTransaction.setECDSAKeyWithAlias', 'Client.forTestnett', 'Status.SUCESS'])
    expect(result.checked).toBeGreaterThanOrEqual(8)
  })

  it('flags Rust names the crate does not have, including JavaScript spellings and a missing import', () => {
    const code = [
      'use hiero_sdk::{AccountCreateTransaction, Client, Hbar, PrivateKey, AccountCreateFlow};',
      'let client = Client::for_testnet();',
      'client.set_operator(id, key.clone());',
      'client.setOperator(id, key);',
      'let tx = AccountCreateTransaction::new().initial_balance(Hbar::new(5)).setInitialBalance(Hbar::new(1)).execute(&client).await?;',
      'let status = Status::Success; let bad = Status::SUCCESS;',
    ].join('\n')
    const result = checkTypedApi(block('rust', code), 'rust', rust.names)
    // Status variants are UpperCamelCase in Rust: the wire spelling is not a variant.
    expect(result.unknown.toSorted()).toEqual(['AccountCreateFlow', 'AccountCreateTransaction::setInitialBalance', 'Client::setOperator', 'Status::SUCCESS'])
    expect(result.checked).toBeGreaterThanOrEqual(9)
  })

  it('leaves correct code alone: Object and trait methods, other libraries, generic results, other fences', () => {
    const javaCode = [
      'import java.util.List;',
      'TransactionReceipt receipt = new TransferTransaction().addHbarTransfer(a, new Hbar(-1)).addHbarTransfer(b, new Hbar(1)).execute(client).getReceipt(client);',
      'System.out.println(receipt.toString() + receipt.hashCode());',
      'List<String> names = List.of("a"); names.add("b"); String s = String.valueOf(1);',
    ].join('\n')
    expect(checkTypedApi(block('java', javaCode), 'java', java.names).unknown).toEqual([])
    const rustCode = [
      'use std::collections::HashMap;',
      'let key = PrivateKey::generate_ecdsa();',
      'let copy = key.clone(); let text = key.to_string();',
      'let mut map = HashMap::new(); map.insert(1, 2);',
      'let id: AccountId = "0.0.3".parse()?;',
    ].join('\n')
    expect(checkTypedApi(block('rust', rustCode), 'rust', rust.names).unknown).toEqual([])
    // A ```ts block is not Java's to judge, even with Java-looking names.
    expect(checkTypedApi(block('ts', 'new AccountCreateTransaction().setNope()'), 'java', java.names)).toEqual({ checked: 0, unknown: [] })
  })

  it('is part of the knowledge base check: a Java answer with a JavaScript-only name is flagged, the JS check is unchanged', () => {
    const answer = block('java', 'new AccountCreateTransaction().setECDSAKeyWithAlias(key);') + block('ts', "import { AccountCreateTransaction } from '@hiero-ledger/sdk'\nnew AccountCreateTransaction().setECDSAKeyWithAlias(key)")
    expect(kb.checkApi(answer).unknown).toEqual(['AccountCreateTransaction.setECDSAKeyWithAlias'])
  })
})
