-- R4 for corrections (issue 8, item 7). A correction of a sales stop (a resend with the company's
-- reference) is judged against the two-month rule from the first notification of the notice it corrects,
-- not from its own receipt (src/domain/notice.ts firstNotifiedOn; ingest judges new reports so).
-- Corrections stored before this migration were judged from their own receipt: judge them again.
--
-- The chain is followed back through supersedes_id while the kind stays the same (a restanmälan
-- corrected into a försäljningsuppehåll announces the stop only with that correction). Two calendar
-- months after the Swedish calendar date of the first notification: date + interval '2 months' ends at
-- the last day of a shorter month (2026-01-31 -> 2026-03-31, 2025-12-31 -> 2026-02-28), as
-- earliestCompliantStart does. Nothing else changes: first notices and shortage notices keep their flag.
--
-- shortage_notice is append-only (0001). `late` is not something a company sent but our judgement of it,
-- so this migration alone lifts the guard for its one UPDATE of that flag, inside its transaction.
ALTER TABLE shortage_notice DISABLE TRIGGER shortage_notice_append_only;

WITH RECURSIVE run AS (
  SELECT n.id AS head, n.kind, n.supersedes_id, n.notified_at, 0 AS depth
  FROM shortage_notice n
  WHERE n.supersedes_id IS NOT NULL AND n.kind = 'sales_stop'
  UNION ALL
  SELECT r.head, p.kind, p.supersedes_id, p.notified_at, r.depth + 1
  FROM run r
  JOIN shortage_notice p ON p.id = r.supersedes_id AND p.kind = r.kind
),
first_notification AS (
  SELECT DISTINCT ON (head) head, (notified_at AT TIME ZONE 'Europe/Stockholm')::date AS notified_on
  FROM run
  ORDER BY head, depth DESC
)
UPDATE shortage_notice n
SET late = n.expected_start < (f.notified_on + interval '2 months')::date
FROM first_notification f
WHERE f.head = n.id
  AND n.late IS DISTINCT FROM (n.expected_start < (f.notified_on + interval '2 months')::date);

ALTER TABLE shortage_notice ENABLE TRIGGER shortage_notice_append_only;
