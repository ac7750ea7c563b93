import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { verifyAuditChain } from '../store/audit.repository.js';
import { openStore, storeOptionsFromEnv } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { cliTexts } from './messages.js';

/**
 * `beredskap audit verify [--expect-head HASH] [--json]`: recomputes the audit log's hash chain
 * (migration 0016_audit_chain.sql) and names the first entry that does not hold; exits 1 then.
 * It prints the head hash: kept outside the database (a ticket, a signed mail), it lets a later
 * `--expect-head` show that the log was rewritten wholesale, hashes and all.
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the audit log (granskningsloggen)');
  audit
    .command('verify')
    .description('verify the audit hash chain; names the first broken entry and exits 1')
    .option('--expect-head <hash>', 'a head hash recorded earlier that must still be in the chain')
    .option('--json', 'print the verdict as JSON')
    .action(async (options: { expectHead?: string; json?: boolean }) => {
      const x = cliTexts();
      const expectHead = options.expectHead?.trim().toLowerCase();
      if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) {
        throw AppError.invalid(x.expectHeadInvalid(options.expectHead ?? ''));
      }
      const store = await openStore(storeOptionsFromEnv());
      try {
        await migrateToLatest(store.db);
        const verdict = await verifyAuditChain(store.db, expectHead);
        if (options.json === true) console.log(JSON.stringify(verdict));
        else if (verdict.ok) {
          console.log(x.auditIntact(verdict.entries, verdict.headHash));
        } else {
          const b = verdict.firstBreak!;
          console.error(x.auditBroken(b, b.reason, verdict.entries));
        }
        if (!verdict.ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
