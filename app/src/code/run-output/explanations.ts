/** What the statuses and errors a Playground run most often shows mean, why they happen, and what to do. */
import type { StatusEntry } from './status-source.js'

export interface Explanation {
  meaning: string
  cause: string
  remedy: string
  /** SDK classes whose call most likely produced it (to find the line in the user's code). */
  classes?: string[]
  /** Rules whose findings (and patches) are the likely fix. */
  rules?: string[]
  /** The knowledge guide behind it. */
  guide?: string
}

/** Hand-written for the statuses people actually meet; every other status gets a reading of its name. */
export const STATUS_EXPLANATIONS: Record<string, Explanation> = {
  INVALID_SIGNATURE: {
    meaning: 'A signature the transaction needs is missing or does not verify.',
    cause: 'The operator key was read as the wrong key type (an ECDSA key parsed as ED25519), or a key that must sign (the new account key, a token admin or supply key, the sender of a transfer) did not sign.',
    remedy: 'Read the key with the parser matching its type (fromStringECDSA / fromStringED25519 / fromStringDer), then freeze the transaction and sign it with every required key before execute.',
    rules: ['private-key-shape', 'sign-before-freeze'],
    guide: 'errors-invalid-signature',
  },
  INVALID_ACCOUNT_AMOUNTS: {
    meaning: 'The hbar amounts of a transfer do not add up to zero.',
    cause: 'A transfer list whose senders (negative amounts) and receivers (positive amounts) do not balance, often a sender amount written without its minus sign.',
    remedy: 'Make the sender amount negative and equal to the sum the receivers get.',
    classes: ['TransferTransaction'],
    rules: ['hbar-transfer-sum'],
    guide: 'hbar-transfer',
  },
  TRANSFERS_NOT_ZERO_SUM_FOR_TOKEN: {
    meaning: 'The token amounts of a transfer do not add up to zero.',
    cause: 'addTokenTransfer amounts for one token that do not balance between sender and receivers.',
    remedy: 'Make the sender amount negative and equal to the total received, in the token\'s smallest unit (decimals).',
    classes: ['TransferTransaction'],
    guide: 'token-transfer',
  },
  INSUFFICIENT_PAYER_BALANCE: {
    meaning: 'The paying account cannot cover the transaction fee.',
    cause: 'The operator account is low on hbar, or the max transaction fee is higher than the balance.',
    remedy: 'Top up the operator account (testnet faucet) or lower the max transaction fee.',
    guide: 'transaction-fees',
  },
  INSUFFICIENT_ACCOUNT_BALANCE: {
    meaning: 'An account does not hold the hbar it is asked to send.',
    cause: 'A transfer (or an initial balance) larger than the sender\'s balance, often an amount meant in tinybars written as hbar.',
    remedy: 'Lower the amount, check the unit (a plain number is hbar; use Hbar.fromTinybars for tinybars), or fund the sender.',
    classes: ['TransferTransaction', 'AccountCreateTransaction'],
    rules: ['hbar-units'],
    guide: 'hbar-units-tinybars',
  },
  INSUFFICIENT_TX_FEE: {
    meaning: 'The max transaction fee is below what the network charges.',
    cause: 'A max transaction fee set too low (for example a few tinybars meant as hbar).',
    remedy: 'Raise it with setMaxTransactionFee(new Hbar(2)) on the transaction, or client.setDefaultMaxTransactionFee.',
    rules: ['hbar-units'],
    guide: 'transaction-fees',
  },
  TOKEN_NOT_ASSOCIATED_TO_ACCOUNT: {
    meaning: 'The receiving account has not associated the token.',
    cause: 'An account must associate a token (or have free automatic association slots) before it can hold it.',
    remedy: 'Run a TokenAssociateTransaction for the account and token, signed by the account\'s key, before the transfer.',
    classes: ['TransferTransaction', 'TokenMintTransaction'],
    guide: 'token-associate',
  },
  TOKEN_ALREADY_ASSOCIATED_TO_ACCOUNT: {
    meaning: 'The account is already associated with this token.',
    cause: 'A TokenAssociateTransaction for a pair that is already associated (a second run of the same script).',
    remedy: 'Skip the association when it exists (check the account\'s tokens first), or treat this status as success.',
    classes: ['TokenAssociateTransaction'],
    guide: 'token-associate',
  },
  ACCOUNT_KYC_NOT_GRANTED_FOR_TOKEN: {
    meaning: 'The token has a KYC key and the account has not been granted KYC.',
    cause: 'A transfer to an account the KYC key holder has not approved.',
    remedy: 'Run TokenGrantKycTransaction for the account, signed by the KYC key.',
    classes: ['TransferTransaction'],
    guide: 'token-kyc',
  },
  ACCOUNT_FROZEN_FOR_TOKEN: {
    meaning: 'The account is frozen for this token.',
    cause: 'The token\'s freeze key froze the account, or the token freezes new accounts by default.',
    remedy: 'Run TokenUnfreezeTransaction for the account, signed by the freeze key.',
    classes: ['TransferTransaction'],
    guide: 'token-freeze',
  },
  TOKEN_HAS_NO_SUPPLY_KEY: {
    meaning: 'The token was created without a supply key, so it cannot be minted or burned.',
    cause: 'Mint or burn on a token created without setSupplyKey.',
    remedy: 'Create the token with a supply key; an existing token without one cannot get one unless it has an admin key.',
    classes: ['TokenMintTransaction', 'TokenBurnTransaction'],
    guide: 'token-mint',
  },
  INVALID_TOKEN_ID: {
    meaning: 'The token id does not name an existing token.',
    cause: 'A token id from another network (mainnet vs testnet), a typo, or a token that was deleted.',
    remedy: 'Use the id from the create receipt on the same network.',
    guide: 'entity-ids-checksums',
  },
  INVALID_ACCOUNT_ID: {
    meaning: 'The account id does not name an existing account.',
    cause: 'An id from another network, a typo, or an alias that was never used.',
    remedy: 'Check the id on the same network (the mirror node shows it), and that the client points at that network.',
    guide: 'entity-ids-checksums',
  },
  PAYER_ACCOUNT_NOT_FOUND: {
    meaning: 'The operator (payer) account does not exist on this network.',
    cause: 'Operator id for testnet used with a mainnet or previewnet client, or a mistyped OPERATOR_ID.',
    remedy: 'Match the client network to where the operator account lives (Client.forTestnet()).',
    guide: 'client-setup',
  },
  INVALID_TRANSACTION_START: {
    meaning: 'The transaction\'s start time is outside the window the node accepts.',
    cause: 'The machine\'s clock is off, or a transaction frozen long ago is sent now.',
    remedy: 'Sync the clock; freeze and send transactions within a couple of minutes.',
    guide: 'errors-transaction-timing',
  },
  TRANSACTION_EXPIRED: {
    meaning: 'The transaction reached the node after its valid duration ended.',
    cause: 'Signing took longer than the valid duration (120 s by default), common with offline or multi-party signing.',
    remedy: 'Freeze, sign and submit within the valid duration, or use a scheduled transaction for slow signers.',
    guide: 'errors-transaction-timing',
  },
  DUPLICATE_TRANSACTION: {
    meaning: 'A transaction with the same id was already submitted.',
    cause: 'The same frozen transaction executed twice, or a fixed transaction id reused.',
    remedy: 'Build a new transaction (a new id) for each submission.',
    guide: 'errors-transaction-timing',
  },
  CONTRACT_REVERT_EXECUTED: {
    meaning: 'The contract call reverted.',
    cause: 'A require/revert in the contract, wrong function parameters, or the caller lacks what the contract checks.',
    remedy: 'Read the revert reason from the record (errorMessage), check the parameters and the caller.',
    classes: ['ContractExecuteTransaction', 'ContractCallQuery'],
    guide: 'errors-contract',
  },
  INSUFFICIENT_GAS: {
    meaning: 'The gas limit is too low for the contract\'s work.',
    cause: 'setGas lower than the call or deployment uses.',
    remedy: 'Raise setGas (estimate with the mirror node or a local call first).',
    classes: ['ContractExecuteTransaction', 'ContractCreateTransaction', 'ContractCreateFlow', 'ContractCallQuery'],
    guide: 'contract-gas',
  },
  MAX_GAS_LIMIT_EXCEEDED: {
    meaning: 'The gas asked for is above the network\'s per-transaction limit.',
    cause: 'setGas with a value above the maximum.',
    remedy: 'Lower setGas to what the call needs.',
    classes: ['ContractExecuteTransaction', 'ContractCreateTransaction', 'ContractCreateFlow'],
    guide: 'contract-gas',
  },
  INVALID_SOLIDITY_ADDRESS: {
    meaning: 'An address passed to the contract is not a valid EVM address.',
    cause: 'A Hedera id string passed where an EVM address is expected.',
    remedy: 'Convert with AccountId.toSolidityAddress() / toEvmAddress() or use the account\'s EVM address.',
    classes: ['ContractExecuteTransaction', 'ContractCallQuery'],
    guide: 'evm-address-alias',
  },
  INVALID_TOPIC_ID: {
    meaning: 'The topic id does not name an existing topic.',
    cause: 'An id from another network, a typo, or a deleted topic.',
    remedy: 'Use the id from the topic create receipt on the same network.',
    classes: ['TopicMessageSubmitTransaction', 'TopicInfoQuery'],
    guide: 'topic-submit-message',
  },
  MESSAGE_SIZE_TOO_LARGE: {
    meaning: 'A topic message chunk is larger than allowed.',
    cause: 'A message over the chunk size sent with too few chunks.',
    remedy: 'Let TopicMessageSubmitTransaction chunk it (setMaxChunks) or split the message.',
    classes: ['TopicMessageSubmitTransaction'],
    guide: 'topic-message-chunking',
  },
  ACCOUNT_DELETED: {
    meaning: 'The account was deleted.',
    cause: 'An operation on (or paid by) an account deleted earlier.',
    remedy: 'Use another account; deleted accounts cannot be restored.',
    guide: 'account-delete',
  },
  TOKEN_WAS_DELETED: {
    meaning: 'The token was deleted.',
    cause: 'An operation on a token deleted by its admin key.',
    remedy: 'Create a new token; a deleted token cannot be used.',
    guide: 'token-delete',
  },
  INVALID_NFT_ID: {
    meaning: 'The NFT (token id + serial) does not exist.',
    cause: 'A serial that was never minted or was burned.',
    remedy: 'Use a serial from the mint receipt (receipt.serials).',
    classes: ['TransferTransaction', 'TokenNftInfoQuery'],
    guide: 'nft-transfer',
  },
  SENDER_DOES_NOT_OWN_NFT_SERIAL_NO: {
    meaning: 'The sender does not own this NFT serial.',
    cause: 'The NFT is held by another account (for example still by the treasury, or already sent).',
    remedy: 'Send from the account that holds the serial.',
    classes: ['TransferTransaction'],
    guide: 'nft-transfer',
  },
  MAX_ENTITIES_IN_PRICE_REGIME_HAVE_BEEN_CREATED: {
    meaning: 'The network has throttled creating this kind of entity.',
    cause: 'A network-wide limit on new entities.',
    remedy: 'Retry later.',
  },
  BUSY: {
    meaning: 'The node was too busy to take the request.',
    cause: 'Load on the node; the SDK retries BUSY by itself.',
    remedy: 'Seen in an error it means the retries ran out: try again, or raise the client\'s max attempts.',
  },
  INVALID_SCHEDULE_ID: {
    meaning: 'The schedule id does not name an existing schedule.',
    cause: 'A typo, another network, or a schedule that already executed or expired.',
    remedy: 'Use the id from the schedule create receipt, before it expires.',
    classes: ['ScheduleSignTransaction', 'ScheduleInfoQuery'],
    guide: 'schedule-sign',
  },
  NO_NEW_VALID_SIGNATURES: {
    meaning: 'The schedule sign added no signature it needed.',
    cause: 'Signing with a key that already signed, or that the scheduled transaction does not need.',
    remedy: 'Sign with a key the scheduled transaction still requires.',
    classes: ['ScheduleSignTransaction'],
    guide: 'schedule-sign',
  },
  RECEIVER_SIG_REQUIRED: {
    meaning: 'The receiving account requires its own signature to receive.',
    cause: 'The receiver set receiverSignatureRequired.',
    remedy: 'Freeze the transfer and sign it with the receiver\'s key too.',
    classes: ['TransferTransaction'],
    guide: 'errors-payer-and-account',
  },
}

/** A reading of a status with no hand-written entry: its words, and the general remedy. */
export function fallbackExplanation(entry: StatusEntry): Explanation {
  const words = entry.value.toLowerCase().replace(/_/g, ' ')
  return {
    meaning: `The network answered ${entry.value} (Status.${entry.name}): ${words}.`,
    cause: 'A field of the transaction or query that the network rejected; the status names which.',
    remedy: `Check the value the status names (${words}) in the transaction that failed, and the guide for that service.`,
  }
}

/** SDK error classes a run can print, how to recognise them, and what they mean. */
export interface ErrorKind {
  name: string
  /** Matches the printed error (its name or its message shape). */
  pattern: RegExp
  meaning: string
  remedy: string
  rules?: string[]
  guide?: string
  /** Which call to look for in the code: `execute` (precheck), `getReceipt`, `getRecord`, `sign`. */
  calls?: string[]
  /** The failing call says more than the class the output names (a stack frame names the class, the call is the bug). */
  callFirst?: boolean
}

export const ERROR_KINDS: ErrorKind[] = [
  { name: 'ReceiptStatusError', pattern: /ReceiptStatusError|receipt for transaction \S+ contained error status/i, meaning: 'The transaction reached consensus but failed: its receipt carries the failure status.', remedy: 'Fix what the status names; the fee was charged, so change the transaction before sending it again.', calls: ['getReceipt'], guide: 'receipts-and-records' },
  { name: 'RecordStatusError', pattern: /RecordStatusError|Record for transaction \S+ contained error status/i, meaning: 'The transaction reached consensus but failed: its record carries the failure status.', remedy: 'Fix what the status names.', calls: ['getRecord'], guide: 'receipts-and-records' },
  { name: 'PrecheckStatusError', pattern: /PrecheckStatusError|failed precheck with status/i, meaning: 'The node refused the transaction before consensus (no fee charged for the transaction itself).', remedy: 'Fix what the status names; prechecks are about signatures, fees, ids and time.', calls: ['execute'], guide: 'error-handling' },
  { name: 'MaxQueryPaymentExceededError', pattern: /MaxQueryPaymentExceeded(Error)?|query cost of .* exceeds max set on client/i, meaning: "The query costs more than the client's max query payment, so the SDK did not send it.", remedy: 'Raise client.setDefaultMaxQueryPayment(new Hbar(1)) or set setQueryPayment on this query.', calls: ['execute'], guide: 'query-payment' },
  { name: 'MaxAttemptsOrTimeoutError', pattern: /MaxAttemptsOrTimeoutError|max attempts of \d+ was reached/i, meaning: 'Every attempt failed or timed out (nodes busy or unreachable).', remedy: 'Retry; check the network (testnet status) and that the client targets the right network.', calls: ['execute'] },
  { name: 'BadKeyError', pattern: /BadKeyError|invalid private key length|private key cannot be decoded/i, meaning: 'A key string could not be parsed as a key.', remedy: 'Check the key text (hex, no stray spaces or quotes) and use the parser for its type (fromStringECDSA / fromStringED25519 / fromStringDer).', rules: ['private-key-shape'], guide: 'keys-der-encoding' },
  { name: 'BadEntityIdError', pattern: /BadEntityIdError|Entity ID \S+ was incorrect|invalid (account|token|entity) id/i, meaning: "An id string's checksum or format is wrong.", remedy: 'Copy the id again (shard.realm.num, checksum for this network).', guide: 'entity-ids-checksums' },
  { name: 'GrpcServiceError', pattern: /GrpcServiceError|gRPC service failed with/i, meaning: 'The connection to a node failed.', remedy: 'Retry; check network access and the client network.' },
  { name: 'NotFrozen', pattern: /transaction must have been frozen/i, meaning: 'The program signed (or asked the id of) a transaction before freezing it.', remedy: 'Call freezeWith(client) before sign.', rules: ['sign-before-freeze'], guide: 'transaction-offline-signing', calls: ['sign'], callFirst: true },
  { name: 'OperatorNotSet', pattern: /`client` must have an `operator`|must have an operator|operator account id is not set/i, meaning: 'The client has no operator, so nobody pays for the transaction.', remedy: 'Call client.setOperator(accountId, privateKey) before executing.', guide: 'client-setup', calls: ['execute'] },
]
