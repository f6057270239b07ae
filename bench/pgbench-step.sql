-- What one accepted step must do at least, for pgbench (bench/http.ts runs it): read the case,
-- write the case (its snapshot changes), append one event row — one transaction.
\set n random(1, :cases)
SELECT id AS cid, rev AS crev FROM bench_ids WHERE n = :n \gset
BEGIN;
SELECT snapshot, rev FROM cases WHERE county_id = '532326' AND id = :cid;
UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,benchTick}', to_jsonb(:n::int)), rev = rev + 1, updated_at = now() WHERE county_id = '532326' AND id = :cid;
INSERT INTO case_events (county_id, lane, seq, case_id, rev, at, actor_id, actor_name, type, from_state, to_state, body, prev_hash, hash)
  VALUES ('532326', 99, nextval('bench_seq'), :cid, 1000000 + nextval('bench_seq'), now(), 'bench', 'bench', 'LOG_VISIT', 'mobilising', 'mobilising', :body, 'prev', 'hash');
COMMIT;
