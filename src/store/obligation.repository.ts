/*
 * R1, the stockpiling obligation (issue 12 items 1–3 and 10, migrations 0021 and 0022,
 * docs/obligations.md): the company's basis from the sales (one source per sale, as the picture counts
 * them), the stored calculations, their revisions and Läkemedelsverket's published decisions. Thin
 * functions taking `db` or a transaction; the rules are src/domain/obligation.ts. One file per stage in
 * src/store/obligation/; this module is their entry point.
 */
export * from './obligation/tables.js';
export * from './obligation/basis.js';
export * from './obligation/calculations.js';
export * from './obligation/revisions.js';
export * from './obligation/decisions.js';
