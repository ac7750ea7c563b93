import { createHash } from 'node:crypto';

/*
 * The audit log as a hash chain (issue 11 item 8, migration 0016_audit_chain.sql). Each entry carries
 * the hash of the entry before it; its own hash is SHA-256 over its canonical serialisation, which
 * includes that previous hash. Changing, deleting or moving an entry breaks the chain at that entry
 * (or at the one after it); only rewriting every later hash hides it, and a head recorded elsewhere
 * (`--expect-head`) shows that too.
 */

/** The previous hash of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** One entry as the verifier sees it: its chain fields and its canonical serialisation (text). */
export interface ChainEntry {
  id: number;
  /** Position in the chain; null when the row was written around the chaining trigger. */
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  /** The canonical serialisation of the entry's stored values, prev_hash included. */
  canonical: string;
}

/** Where and why the chain does not hold. */
export interface ChainBreak {
  /** The id of the first entry that does not hold (null: the chain's end is missing). */
  id: number | null;
  /** Its position in the chain (or the position where one is missing). */
  seq: number;
  reason: string;
}

export interface ChainVerdict {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The last entry's hash (the genesis hash for an empty log): record it elsewhere to anchor the chain. */
  headHash: string;
  firstBreak?: ChainBreak;
}

/** SHA-256 (hex) of the UTF-8 bytes of a canonical serialisation. */
export function auditEntryHash(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Checks a chain entry by entry, in chain order; stops at the first entry that does not hold. Feed
 * it with `check`, then `finish` with the head the database keeps (its last position and hash).
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = AUDIT_GENESIS_HASH;
  private count = 0;
  private broken: ChainBreak | undefined;
  private anchorSeen = false;

  /** @param expectHead a head hash recorded earlier (outside the database) that must be in the chain. */
  constructor(private readonly expectHead?: string) {}

  get done(): boolean {
    return this.broken !== undefined;
  }

  /** Checks the next entry; false once the chain is broken (stop feeding). */
  check(e: ChainEntry): boolean {
    if (this.broken) return false;
    const at = this.expectedSeq;
    if (e.seq === null || e.prevHash === null || e.hash === null) {
      return this.fail(e.id, at, 'it carries no chain fields: it was written around the chaining trigger');
    }
    if (e.seq !== at) {
      return this.fail(
        e.id,
        at,
        e.seq > at
          ? `it is at position ${e.seq} where ${at} was expected: ${e.seq - at === 1 ? 'the entry' : `${e.seq - at} entries`} before it ${e.seq - at === 1 ? 'is' : 'are'} missing`
          : `it claims position ${e.seq}, already passed: entries were moved or copied`,
      );
    }
    if (e.prevHash !== this.prevHash) {
      return this.fail(
        e.id,
        at,
        at === 1
          ? 'it does not start the chain (its previous hash is not the genesis hash)'
          : `it does not follow position ${at - 1} (its previous hash differs): the entry before it was removed, moved or rewritten`,
      );
    }
    if (auditEntryHash(e.canonical) !== e.hash) {
      return this.fail(e.id, at, 'its content does not match its hash: it was changed after it was written');
    }
    if (this.expectHead !== undefined && e.hash === this.expectHead) this.anchorSeen = true;
    this.prevHash = e.hash;
    this.expectedSeq++;
    this.count++;
    return true;
  }

  /** The verdict, given the head the database keeps (null when it has none). */
  finish(head: { seq: number; hash: string } | null): ChainVerdict {
    if (!this.broken) {
      const lastSeq = this.expectedSeq - 1;
      if (head === null) this.fail(null, lastSeq + 1, 'the chain head is missing');
      else if (head.seq !== lastSeq || head.hash !== this.prevHash) {
        this.fail(
          null,
          lastSeq + 1,
          head.seq > lastSeq
            ? `the chain ends at position ${lastSeq} but its head is at ${head.seq}: the last ${head.seq - lastSeq === 1 ? 'entry was' : `${head.seq - lastSeq} entries were`} deleted`
            : `the chain head (position ${head.seq}) does not match its last entry (position ${lastSeq})`,
        );
      } else if (
        this.expectHead !== undefined &&
        !this.anchorSeen &&
        this.expectHead !== AUDIT_GENESIS_HASH
      ) {
        this.fail(
          null,
          lastSeq,
          `the recorded head ${this.expectHead} is not in the chain: the log was rewritten (or the head is from another database)`,
        );
      }
    }
    return {
      ok: this.broken === undefined,
      entries: this.count,
      headHash: this.prevHash,
      ...(this.broken ? { firstBreak: this.broken } : {}),
    };
  }

  private fail(id: number | null, seq: number, reason: string): false {
    this.broken ??= { id, seq, reason };
    return false;
  }
}
