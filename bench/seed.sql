-- Bench data, set-based: candidates number :from (inclusive) to :to (exclusive) for the client
-- that owns project :'project', each with one invitation to that project, one assessment per
-- project test, and the invite charge in the ledger (the client's balance is topped up first
-- with one adjustment, so the balance stays the sum of the ledger and never goes below zero).
--
--   psql -v from=0 -v to=10000 -v project=<project id> -v scored=0 -v topup=0 -f bench/seed.sql
--
-- topup: credits added on top (with the same adjustment), for invites made afterwards.
--
-- scored=0: a mix (per ten candidates: six invited, two in progress, two submitted and scored);
-- scored=1: every invitation submitted and scored (the results.csv export).
-- Ids are UUIDv7-shaped text, ordered by time like the application's (candidate i was created
-- 30 days ago + i seconds), so keyset paging and "newest first" behave as with real data.
\set ON_ERROR_STOP on
\timing off

BEGIN;

-- One SELECT without FROM, so PostgreSQL inlines it (a function call per row is 3× slower).
CREATE FUNCTION pg_temp.bench_id(ms bigint, kind int, i bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(lpad(to_hex(ms), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(ms), 12, '0'), 9, 4)
        || '-7' || lpad(to_hex(kind), 3, '0') || '-8' || lpad(to_hex((i >> 48) & 4095), 3, '0')
        || '-' || lpad(to_hex(i & 281474976710655), 12, '0')
$$;

CREATE TEMP TABLE ctx ON COMMIT DROP AS
SELECT p.id AS project_id, c.id AS client_id, c.reseller_id, c.credit_balance AS balance,
       (SELECT coalesce(sum(t.credit_cost), 0) FROM project_tests pt JOIN tests t ON t.id = pt.test_id
         WHERE pt.project_id = p.id) AS cost,
       (extract(epoch FROM date_trunc('second', now() AT TIME ZONE 'UTC') - interval '30 days') * 1000)::bigint AS base_ms,
       :from::bigint AS first_i, :to::bigint AS end_i, (:scored)::int = 1 AS scored,
       (:topup)::bigint AS topup
FROM projects p JOIN clients c ON c.id = p.client_id
WHERE p.id = :'project';

DO $$ BEGIN
    IF (SELECT count(*) FROM ctx) <> 1 THEN RAISE EXCEPTION 'bench seed: no such project'; END IF;
    IF (SELECT end_i FROM ctx) > 2500000 THEN RAISE EXCEPTION 'bench seed: at most 2.5M candidates (30 days of seconds)'; END IF;
END $$;

-- The rows are consistent by construction: no per-row foreign-key triggers (a superuser's
-- bulk-load switch, for this transaction only).
SET LOCAL session_replication_role = replica;

-- A big batch goes in faster without the secondary indexes and unique constraints (primary
-- keys stay) of the tables it fills: they are dropped here and built again from their own
-- definitions before the commit, so the schema ends as it was.
SET LOCAL maintenance_work_mem = '256MB';
CREATE TEMP TABLE dropped_constraints ON COMMIT DROP AS
SELECT c.conrelid::regclass::text AS tab, c.conname AS name, pg_get_constraintdef(c.oid) AS def
FROM pg_constraint c, ctx
WHERE c.conrelid IN ('candidates'::regclass, 'invitations'::regclass, 'assessments'::regclass,
                     'ledger_entries'::regclass)
  AND c.contype = 'u' AND ctx.end_i - ctx.first_i >= 100000;
CREATE TEMP TABLE dropped_indexes ON COMMIT DROP AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i, ctx
WHERE i.indrelid IN ('candidates'::regclass, 'invitations'::regclass, 'assessments'::regclass,
                     'ledger_entries'::regclass)
  AND NOT i.indisprimary AND ctx.end_i - ctx.first_i >= 100000
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT tab, name FROM dropped_constraints LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tab, r.name);
    END LOOP;
    FOR r IN SELECT name FROM dropped_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

-- One row per candidate: its number, creation time and what happened to its invitation.
CREATE TEMP TABLE seq ON COMMIT DROP AS
SELECT i, ctx.base_ms + i * 1000 AS ms,
       pg_temp.bench_id(ctx.base_ms + i * 1000, 1, i) AS candidate_id,
       pg_temp.bench_id(ctx.base_ms + i * 1000, 2, i) AS invitation_id,
       to_timestamp((ctx.base_ms + i * 1000) / 1000.0) AT TIME ZONE 'UTC' AS at,
       CASE WHEN ctx.scored OR i % 10 >= 8 THEN 'submitted'
            WHEN i % 10 >= 6 THEN 'in_progress' ELSE 'invited' END AS state
FROM ctx, generate_series(ctx.first_i, ctx.end_i - 1) AS i;

INSERT INTO candidates (id, client_id, reseller_id, first_name, last_name, email, phone,
                        extra_time_percent, active, created_at, updated_at)
SELECT s.candidate_id, ctx.client_id, ctx.reseller_id, f.name, l.name,
       lower(f.name || '.' || l.name || '.' || s.i || '@example.com'), NULL,
       CASE WHEN s.i % 20 = 0 THEN 25 ELSE 0 END, TRUE, s.at, s.at
FROM seq s CROSS JOIN ctx
JOIN LATERAL (SELECT (ARRAY['Olivia','Liam','Amelia','Noah','Isla','Oliver','Ava','Elijah','Mia',
    'Arjun','Sofia','Mateo','Priya','Kenji','Zara','Lucas','Chloe','Omar','Freya','Yusuf','Ines',
    'Tomasz','Aisha','Hugo','Maya','Leon','Nadia','Ravi','Eva','Samuel','Lena','Kwame'])[1 + s.i % 32] AS name) f ON TRUE
JOIN LATERAL (SELECT (ARRAY['Smith','Jones','Patel','Nguyen','Garcia','Kowalski','Okafor','Muller',
    'Rossi','Tanaka','Silva','Hughes','Khan','Dubois','Larsen','Novak','Murphy','Haddad','Ivanova',
    'Mensah','Fischer','Costa','Walsh','Sato','Berg','Moreau','Lopez','Evans','Chen','Kaur','Ali',
    'Byrne','Popescu','Janssen','Ortiz','Price','Reid'])[1 + (s.i * 7919) % 37] AS name) l ON TRUE;

INSERT INTO invitations (id, candidate_id, project_id, client_id, token_hash, status,
                         credits_charged, expires_at, created_at, updated_at, mailed_at, reminders_sent)
SELECT s.invitation_id, s.candidate_id, ctx.project_id, ctx.client_id,
       md5('bench-token-' || s.i), s.state, ctx.cost,
       (now() AT TIME ZONE 'UTC') + interval '30 days', s.at, s.at, s.at, 0
FROM seq s CROSS JOIN ctx;

INSERT INTO assessments (id, invitation_id, test_id, norm_group_id, position, status, started_at,
                         deadline_at, submitted_at, raw_score, percentile, sten, t_score, trait_scores)
SELECT pg_temp.bench_id(s.ms, 3 + pt.position, s.i), s.invitation_id, pt.test_id,
       pt.norm_group_id, pt.position,
       CASE WHEN s.state = 'submitted' THEN 'submitted'
            WHEN s.state = 'in_progress' AND pt.position = 0 THEN 'in_progress' ELSE 'not_started' END,
       CASE WHEN s.state = 'submitted' OR (s.state = 'in_progress' AND pt.position = 0)
            THEN s.at + interval '1 hour' END,
       -- An in-progress timed test's deadline lies ahead, so housekeeping leaves the data as seeded.
       CASE WHEN t.timed AND s.state = 'submitted' THEN s.at + interval '1 hour' + make_interval(secs => t.duration_seconds)
            WHEN t.timed AND s.state = 'in_progress' AND pt.position = 0 THEN (now() AT TIME ZONE 'UTC') + interval '2 days' END,
       CASE WHEN s.state = 'submitted' THEN s.at + interval '1 hour 10 minutes' END,
       CASE WHEN s.state = 'submitted' AND t.kind = 'aptitude' THEN (s.i % 15)::float8 END,
       CASE WHEN s.state = 'submitted' AND t.kind = 'aptitude' THEN (1 + s.i % 99)::int END,
       CASE WHEN s.state = 'submitted' AND t.kind = 'aptitude' THEN (1 + s.i % 10)::int END,
       CASE WHEN s.state = 'submitted' AND t.kind = 'aptitude' THEN 20.0 + (s.i % 61) END,
       CASE WHEN s.state = 'submitted' AND t.kind = 'personality' THEN
           '[' || (SELECT string_agg(format('{"scale":"%s","raw":%s,"percentile":%s,"sten":%s,"t_score":%s}',
                       tr, 15 + (s.i + k) % 20, 1 + (s.i * 7 + k) % 99, 1 + (s.i + k) % 10, 30 + (s.i + k) % 40), ',' ORDER BY k)
                   FROM unnest(ARRAY['openness','conscientiousness','extraversion','agreeableness','emotional_stability'])
                        WITH ORDINALITY AS u(tr, k)) || ']' END
FROM seq s CROSS JOIN ctx
JOIN project_tests pt ON pt.project_id = ctx.project_id
JOIN tests t ON t.id = pt.test_id;

-- The ledger: one adjustment that pays for these invitations, then one charge per invitation.
INSERT INTO ledger_entries (id, client_id, kind, delta, balance_after, reference, reason,
                            actor_id, impersonator_id, created_at)
SELECT pg_temp.bench_id(ctx.base_ms + ctx.first_i * 1000 - 1, 5, ctx.first_i), ctx.client_id,
       'adjustment', ctx.topup + ctx.cost * (ctx.end_i - ctx.first_i),
       ctx.balance + ctx.topup + ctx.cost * (ctx.end_i - ctx.first_i),
       NULL, 'bench seed', NULL, NULL,
       to_timestamp((ctx.base_ms + ctx.first_i * 1000 - 1) / 1000.0) AT TIME ZONE 'UTC'
FROM ctx;

INSERT INTO ledger_entries (id, client_id, kind, delta, balance_after, reference, reason,
                            actor_id, impersonator_id, created_at)
SELECT pg_temp.bench_id(s.ms, 6, s.i), ctx.client_id, 'invite_charge', -ctx.cost,
       ctx.balance + ctx.topup + ctx.cost * (ctx.end_i - s.i - 1), s.invitation_id, NULL, NULL, NULL, s.at
FROM seq s CROSS JOIN ctx;

DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT def FROM dropped_indexes LOOP EXECUTE r.def; END LOOP;
    FOR r IN SELECT tab, name, def FROM dropped_constraints LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tab, r.name, r.def);
    END LOOP;
END $$;

-- What the adjustment added, the charges took, but for the top-up.
UPDATE clients SET credit_balance = credit_balance + (SELECT topup FROM ctx)
WHERE id = (SELECT client_id FROM ctx);
COMMIT;
