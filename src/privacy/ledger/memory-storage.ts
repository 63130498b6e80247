import type { LedgerStorage } from './types.js';

/** A ledger storage in memory (tests, the simulator). */
export function memoryLedgerStorage(initial: string | null = null): LedgerStorage & { readonly text: string | null } {
  let text = initial;
  return {
    get text() {
      return text;
    },
    load: async () => text,
    save: async (json) => {
      text = json;
    },
  };
}
