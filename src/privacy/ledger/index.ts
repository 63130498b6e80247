export { PrivacyLedger } from './ledger.js';
export { memoryLedgerStorage } from './memory-storage.js';
export type { LedgerEntry, LedgerState, LedgerStorage, PlannedJob, PrivacyBudget, PrivacyMechanism } from './types.js';
