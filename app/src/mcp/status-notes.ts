/** What the common statuses mean, why they happen and what to do, in this project's words; the rest fall back to the status's family. */

export interface StatusNote {
  meaning: string
  cause: string
  remedy: string
}

/** The statuses developers meet most (written from the SDK's Status list and the network's documented behaviour). */
export const STATUS_NOTES: Record<string, StatusNote> = {
  SUCCESS: { meaning: 'The transaction reached consensus and did what it asked.', cause: 'Nothing went wrong.', remedy: 'Nothing to fix; read the receipt for the new entity ID or serials.' },
  OK: { meaning: 'The node accepted the transaction at precheck; consensus has not happened yet.', cause: 'Nothing went wrong so far.', remedy: 'Get the receipt (getReceipt) to learn the final status.' },
  INVALID_SIGNATURE: {
    meaning: 'A key the transaction needs did not sign it, or a signature does not match the signed bytes.',
    cause: 'A key parsed as the wrong algorithm (fromString on a hex ECDSA key), a key that is not the account\'s current key, a missing extra signer (sender, treasury, admin, supply or submit key), or a change after signing.',
    remedy: 'Parse keys with fromStringECDSA / fromStringED25519 / fromStringDer, freezeWith(client), sign with every required key, then execute.',
  },
  INSUFFICIENT_PAYER_BALANCE: { meaning: 'The payer account cannot cover the transaction fee.', cause: 'The operator (or the payer in the transaction ID) has too little HBAR.', remedy: 'Top up the payer (the testnet faucet on testnet) and check it with a free AccountBalanceQuery.' },
  INSUFFICIENT_TX_FEE: { meaning: 'The maximum fee the transaction offers is below what the node charges.', cause: 'setMaxTransactionFee (or the client default) is too low for this transaction.', remedy: 'Raise setMaxTransactionFee on the transaction or client.setDefaultMaxTransactionFee.' },
  INSUFFICIENT_ACCOUNT_BALANCE: { meaning: 'An account debited by a transfer does not hold the amount.', cause: 'The transfer amount (not the fee) is larger than the sender\'s HBAR balance.', remedy: 'Send less or fund the sender; remember the payer also pays the fee.' },
  TOKEN_NOT_ASSOCIATED_TO_ACCOUNT: { meaning: 'An account in the transfer has not associated the token.', cause: 'The receiver (or sender) never ran TokenAssociateTransaction for this token and has no free auto-association slot.', remedy: 'Run TokenAssociateTransaction signed by that account\'s key, or give it auto-association slots, then retry.' },
  TOKEN_ALREADY_ASSOCIATED_TO_ACCOUNT: { meaning: 'The account is already associated with the token.', cause: 'An association was repeated.', remedy: 'Nothing to do; skip the association when the account already has it.' },
  INVALID_ACCOUNT_ID: { meaning: 'The account ID is malformed or names no account on this network.', cause: 'A testnet ID used on mainnet (or the reverse), a typo, or an alias that has no account yet.', remedy: 'Check the ID and the client\'s network; validate checksums with AccountId.fromString and validateChecksum.' },
  PAYER_ACCOUNT_NOT_FOUND: { meaning: 'The payer account does not exist on the network the client talks to.', cause: 'The wrong network, or a local node that was reset.', remedy: 'Point the client at the network where the operator account lives.' },
  TRANSACTION_EXPIRED: { meaning: 'The transaction reached a node after its valid duration had passed.', cause: 'It was signed long before it was sent (offline signing, a slow approval), or the machine clock is behind.', remedy: 'Regenerate the transaction ID and sign again just before executing; sync the clock.' },
  INVALID_TRANSACTION_START: { meaning: 'The transaction\'s valid start time is in the future for the node.', cause: 'The machine clock is ahead of the network\'s.', remedy: 'Sync the clock (NTP); the SDK retries this status with a new transaction ID when it generated the ID.' },
  DUPLICATE_TRANSACTION: { meaning: 'A transaction with the same transaction ID was already submitted.', cause: 'The same frozen transaction executed twice, or a fixed transaction ID reused.', remedy: 'Create a new transaction (a new TransactionId.generate) for each submission.' },
  BUSY: { meaning: 'The node is too busy to take the transaction now.', cause: 'Load on that node; transient.', remedy: 'The SDK retries on other nodes; if it still fails, retry later or raise client.setMaxAttempts.' },
  PLATFORM_TRANSACTION_NOT_CREATED: { meaning: 'The node could not submit the transaction to the network.', cause: 'A transient node problem.', remedy: 'Retry; the SDK retries this status on its own before reporting it.' },
  CONTRACT_REVERT_EXECUTED: { meaning: 'The contract call ran and reverted.', cause: 'A require/revert in the contract failed, or the call hit a Solidity error.', remedy: 'Read the revert reason from the record (ContractFunctionResult.errorMessage) and fix the call\'s inputs or the contract.' },
  INSUFFICIENT_GAS: { meaning: 'The contract ran out of gas.', cause: 'setGas on the contract transaction or query is too low for what the function does.', remedy: 'Raise setGas; estimate it through the mirror node\'s contract call simulation first.' },
  MAX_GAS_LIMIT_EXCEEDED: { meaning: 'The gas asked for is above the network\'s per-transaction maximum.', cause: 'setGas was given more than the network allows.', remedy: 'Lower setGas to the network maximum or split the work.' },
  INVALID_TOKEN_ID: { meaning: 'The token ID names no token on this network.', cause: 'A typo, the wrong network, or a token ID from another environment.', remedy: 'Check the token ID with a TokenInfoQuery on the client\'s network.' },
  INVALID_TOPIC_ID: { meaning: 'The topic ID names no topic on this network.', cause: 'A typo, the wrong network, or a deleted topic.', remedy: 'Check the topic ID with a TopicInfoQuery on the client\'s network.' },
  INVALID_CONTRACT_ID: { meaning: 'The contract ID names no contract on this network.', cause: 'A typo, the wrong network, or an EVM address not converted to a contract ID.', remedy: 'Check the ID; use ContractId.fromEvmAddress for an EVM address.' },
  ACCOUNT_FROZEN_FOR_TOKEN: { meaning: 'The account is frozen for this token.', cause: 'The token\'s freeze key froze the account, or the token freezes new holders by default.', remedy: 'Have the freeze key holder run TokenUnfreezeTransaction for the account.' },
  ACCOUNT_KYC_NOT_GRANTED_FOR_TOKEN: { meaning: 'The token has a KYC key and the account has not been granted KYC.', cause: 'A transfer to or from an account without KYC for the token.', remedy: 'Have the KYC key holder run TokenGrantKycTransaction for the account.' },
  RECEIPT_NOT_FOUND: { meaning: 'The node has no receipt for the transaction ID.', cause: 'The transaction never reached consensus, or its receipt is older than the receipt window (about three minutes).', remedy: 'Query the mirror node for old transactions; for new ones, check that execute succeeded.' },
  ACCOUNT_REPEATED_IN_ACCOUNT_AMOUNTS: { meaning: 'A transfer list names the same account twice.', cause: 'Two addHbarTransfer calls for one account.', remedy: 'Combine the amounts into one entry per account.' },
  INVALID_ACCOUNT_AMOUNTS: { meaning: 'The amounts of a transfer do not add up to zero.', cause: 'The debits and credits differ.', remedy: 'Make the negative and positive amounts sum to zero.' },
}

interface Family {
  test: RegExp
  cause: string
  remedy: string
}

/** The families of the other statuses, tried in order; the name says which field or entity is concerned. */
const FAMILIES: Family[] = [
  { test: /SIGNATURE|KEY_REQUIRED|UNAUTHORIZED/, cause: 'A key the operation needs did not sign, or the key is not allowed to do this.', remedy: 'Sign with the key the status names (admin, supply, freeze, submit ...) after freezeWith(client).' },
  { test: /^INSUFFICIENT_|_INSUFFICIENT_/, cause: 'A balance, fee, gas or allowance is below what the transaction needs.', remedy: 'Check the balance or allowance concerned and raise the fee, gas or amount available.' },
  { test: /NOT_ASSOCIATED|ASSOCIATION/, cause: 'The account and the token are not associated (or already are).', remedy: 'Associate the token with TokenAssociateTransaction before transferring, or skip a repeated association.' },
  { test: /FROZEN|KYC|PAUSED/, cause: 'The token\'s controls (freeze, KYC, pause) block this account or token.', remedy: 'Have the holder of the token\'s freeze, KYC or pause key lift the block.' },
  { test: /DELETED/, cause: 'The entity the transaction names was deleted; IDs are never reused.', remedy: 'Use another entity.' },
  { test: /NOT_FOUND|DOES_NOT_EXIST|^INVALID_.*_ID$/, cause: 'The transaction names an entity that does not exist on this network (wrong network, a typo, or not created yet).', remedy: 'Check the ID against the network the client uses (an info query or the mirror node).' },
  { test: /EXPIRED|_START|DURATION|TIMEOUT/, cause: 'A time or duration is outside what the network accepts.', remedy: 'Check the clock and the durations the transaction sets; sign just before executing.' },
  { test: /BUSY|PLATFORM_|UNAVAILABLE|THROTTLED|CONGESTION/, cause: 'The node or network refused for load or a transient fault.', remedy: 'Retry later; the SDK retries several of these on its own.' },
  { test: /^MAX_|EXCEEDED|TOO_MANY|TOO_LONG|TOO_LARGE|LIMIT/, cause: 'A value or count is over a network limit.', remedy: 'Send less: fewer entries, a smaller value or a shorter field.' },
  { test: /^INVALID_|^EMPTY_|^MISSING_|_INVALID$|_MISSING$/, cause: 'A field the status names is missing, malformed or out of range.', remedy: 'Check the value the transaction sets for that field.' },
  { test: /REPEATED|DUPLICATE|ALREADY/, cause: 'Something was given or done twice.', remedy: 'Remove the repetition or skip the operation that is already done.' },
]

const GENERIC: Family = { test: /.*/, cause: 'The network refused the transaction; the status name says which part.', remedy: 'Search the knowledge with the status name (search_knowledge) and check the fields the transaction sets.' }

/** The note for a status: its own when written, else its family's, with a meaning read from its name. */
export function noteFor(status: string): StatusNote {
  const own = STATUS_NOTES[status]
  if (own) return own
  const family = FAMILIES.find((f) => f.test.test(status)) ?? GENERIC
  const words = status.toLowerCase().replace(/_/g, ' ')
  return { meaning: `The network reports "${words}".`, cause: family.cause, remedy: family.remedy }
}
