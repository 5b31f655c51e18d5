-- Usage analytics read rollups, never the candidates or the whole ledger. Each rollup is kept in
-- the same transaction as the write that changes it (`domain::usage::rollup`) and is backfilled
-- here from the rows already written.
--
-- usage_days: the ledger per client per UTC day. `added` = initial + order credits, `used` =
-- credits charged for invitations (positive), `refunded` = refunds, `adjusted` = the signed sum
-- of adjustments. So added - used + refunded + adjusted = the day's change of the balance.
CREATE TABLE usage_days (
    client_id TEXT NOT NULL REFERENCES clients (id),
    day TEXT NOT NULL,
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    added BIGINT NOT NULL DEFAULT 0,
    used BIGINT NOT NULL DEFAULT 0,
    refunded BIGINT NOT NULL DEFAULT 0,
    adjusted BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, day)
);
CREATE INDEX usage_days_reseller_day ON usage_days (reseller_id, day);
INSERT INTO usage_days (client_id, day, reseller_id, added, used, refunded, adjusted)
    SELECT l.client_id, substr(l.created_at, 1, 10), c.reseller_id,
        SUM(CASE WHEN l.kind IN ('initial', 'order') THEN l.delta ELSE 0 END),
        SUM(CASE WHEN l.kind = 'invite_charge' THEN -l.delta ELSE 0 END),
        SUM(CASE WHEN l.kind = 'refund' THEN l.delta ELSE 0 END),
        SUM(CASE WHEN l.kind = 'adjustment' THEN l.delta ELSE 0 END)
    FROM ledger_entries l JOIN clients c ON c.id = l.client_id
    GROUP BY l.client_id, substr(l.created_at, 1, 10), c.reseller_id;

-- funnel_months: assessments per client, project, test and the month ('YYYY-MM', UTC) their
-- invitation was created: invited, started, completed (submitted), and how long after the
-- invitation each was completed, in buckets (at most 1 hour, 1, 2, 3, 7, 14, 30 days, later), so
-- a median needs no scan.
CREATE TABLE funnel_months (
    client_id TEXT NOT NULL REFERENCES clients (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    test_id TEXT NOT NULL REFERENCES tests (id),
    month TEXT NOT NULL,
    invited INTEGER NOT NULL DEFAULT 0,
    started INTEGER NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0,
    done_1h INTEGER NOT NULL DEFAULT 0,
    done_1d INTEGER NOT NULL DEFAULT 0,
    done_2d INTEGER NOT NULL DEFAULT 0,
    done_3d INTEGER NOT NULL DEFAULT 0,
    done_7d INTEGER NOT NULL DEFAULT 0,
    done_14d INTEGER NOT NULL DEFAULT 0,
    done_30d INTEGER NOT NULL DEFAULT 0,
    done_later INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, project_id, test_id, month)
);
INSERT INTO funnel_months (client_id, project_id, test_id, month, invited, started, completed,
        done_1h, done_1d, done_2d, done_3d, done_7d, done_14d, done_30d, done_later)
    SELECT i.client_id, i.project_id, a.test_id, substr(i.created_at, 1, 7),
        COUNT(*),
        SUM(CASE WHEN a.started_at IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h <= 1 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 1 AND h <= 24 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 24 AND h <= 48 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 48 AND h <= 72 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 72 AND h <= 168 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 168 AND h <= 336 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 336 AND h <= 720 THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'submitted' AND h > 720 THEN 1 ELSE 0 END)
    FROM (SELECT a.id, a.invitation_id, a.test_id, a.status, a.started_at, (julianday(a.submitted_at) - julianday(i.created_at)) * 24.0 AS h
          FROM assessments a JOIN invitations i ON i.id = a.invitation_id) a
    JOIN invitations i ON i.id = a.invitation_id
    GROUP BY i.client_id, i.project_id, a.test_id, substr(i.created_at, 1, 7);

-- sten_counts: submitted tests with a total score per client, test and sten (1-10).
CREATE TABLE sten_counts (
    client_id TEXT NOT NULL REFERENCES clients (id),
    test_id TEXT NOT NULL REFERENCES tests (id),
    sten INTEGER NOT NULL CHECK (sten BETWEEN 1 AND 10),
    candidates INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, test_id, sten)
);
INSERT INTO sten_counts (client_id, test_id, sten, candidates)
    SELECT i.client_id, a.test_id, a.sten, COUNT(*)
    FROM assessments a JOIN invitations i ON i.id = a.invitation_id
    WHERE a.status = 'submitted' AND a.sten BETWEEN 1 AND 10
    GROUP BY i.client_id, a.test_id, a.sten;
