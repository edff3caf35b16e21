/**
 * The one order in which every path takes several claim rows (see `claims.ts`): a group-committed
 * batch of fenced saves share-locks the claims of its roots, and the statements that change many
 * claims at once (a worker handing its claims back, releases, a takeover) lock them; two
 * transactions that take rows in the same order never wait on each other in a cycle, so
 * PostgreSQL never has to abort one of them (`deadlock_detected`).
 *
 * Claim rows come before deadline rows (`process_deadlines`): a fenced save share-locks its
 * claim and then writes its deadline row in one statement, so no path may hold a deadline row
 * while it waits for a claim. Claiming due processes reads the deadline index without locking
 * it, and locks only the claim rows it takes.
 *
 * The order is PostgreSQL's `ORDER BY pid` on the `COLLATE "C"` pid columns: the bytes of UTF-8,
 * which is the order of code points. JavaScript's `<` compares UTF-16 code units instead, which
 * puts a character above U+FFFF (a surrogate pair) before one in U+E000–U+FFFF: this comparison
 * moves the surrogates above them first.
 */

/** Negative when `a` comes before `b` in PostgreSQL's `COLLATE "C"` order, 0 when equal. */
export const compareLockKeys = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

/** A UTF-16 code unit's rank in code point order: surrogates after U+E000–U+FFFF. */
const codePointRank = (unit: number): number =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit
