-- A job snoozed may take another priority (`JobSnooze(for:priority:)`): work already begun waits
-- ahead of its unit's work not yet begun. A batch sent whose answer was lost had waited, snoozed,
-- behind every batch its unit made at approval (the payout benchmark: sent at 16 s, answered at
-- 46 s, the month's last). The queue's role records it with the outcome; it still never changes a
-- job's kind, unit or arguments.
GRANT UPDATE (priority) ON jobs TO chitra_queue;
