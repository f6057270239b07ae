import { type Kysely, type Migration, sql } from 'kysely';

/** The role the server works as: neither owner nor superuser, so row-level security applies to it. */
export const APP_ROLE = 'countyflow_app';

const TENANT_TABLES = [
  'counties', 'county_chain', 'org_units', 'users', 'grants', 'sessions', 'definition_versions', 'definition_drafts',
  'cases', 'case_counts', 'case_events', 'timers', 'idempotency', 'notifications', 'auth_failures',
];

/** The tables of the first version (PGlite runs one statement per query). Definitions are `json`, not `jsonb`: jsonb re-sorts keys, and field order is the form's order. */
const SCHEMA = `
        CREATE TABLE counties (county_id text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE county_chain (county_id text NOT NULL, lane int NOT NULL, seq bigint NOT NULL DEFAULT 0, head text NOT NULL, prev_head text NOT NULL, PRIMARY KEY (county_id, lane));
        CREATE TABLE org_units (
          county_id text NOT NULL, id text NOT NULL, parent_id text, level text NOT NULL, name text NOT NULL,
          path text NOT NULL, sort int NOT NULL DEFAULT 0,
          PRIMARY KEY (county_id, id));
        CREATE INDEX org_units_path ON org_units (county_id, path text_pattern_ops);
        CREATE TABLE users (
          county_id text NOT NULL, id text NOT NULL, username text NOT NULL, display_name text NOT NULL,
          password_hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (county_id, id), UNIQUE (county_id, username));
        CREATE TABLE grants (county_id text NOT NULL, user_id text NOT NULL, role text NOT NULL, unit_id text NOT NULL,
          PRIMARY KEY (county_id, user_id, role, unit_id));
        CREATE TABLE sessions (
          county_id text NOT NULL, id text NOT NULL, user_id text NOT NULL, csrf text NOT NULL,
          created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, revoked_at timestamptz,
          PRIMARY KEY (county_id, id));
        CREATE TABLE definition_versions (
          county_id text NOT NULL, process_id text NOT NULL, version int NOT NULL, body json NOT NULL, hash text NOT NULL,
          note text NOT NULL DEFAULT '', published_at timestamptz NOT NULL, published_by text NOT NULL,
          PRIMARY KEY (county_id, process_id, version));
        CREATE TABLE definition_drafts (
          county_id text NOT NULL, process_id text NOT NULL, body json NOT NULL, updated_at timestamptz NOT NULL, updated_by text NOT NULL,
          PRIMARY KEY (county_id, process_id));
        CREATE TABLE cases (
          county_id text NOT NULL, id text NOT NULL, process_id text NOT NULL, process_version int NOT NULL,
          org_unit_id text NOT NULL, org_path text NOT NULL, state text NOT NULL, status text NOT NULL, outcome text,
          snapshot jsonb NOT NULL, rev int NOT NULL, due_at timestamptz, parent_id text, title text NOT NULL DEFAULT '',
          created_by text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
          PRIMARY KEY (county_id, id));
        CREATE INDEX cases_scope ON cases (county_id, process_id, org_path text_pattern_ops);
        CREATE INDEX cases_state ON cases (county_id, process_id, state);
        CREATE INDEX cases_due ON cases (county_id, process_id, due_at) INCLUDE (org_path, state) WHERE status = 'active';
        CREATE TABLE case_counts (
          county_id text NOT NULL, process_id text NOT NULL, org_path text NOT NULL, state text NOT NULL, status text NOT NULL, n bigint NOT NULL,
          PRIMARY KEY (county_id, process_id, org_path, state, status));
        CREATE INDEX cases_parent ON cases (county_id, parent_id) WHERE parent_id IS NOT NULL;
        CREATE TABLE case_events (
          county_id text NOT NULL, lane int NOT NULL, seq bigint NOT NULL, case_id text NOT NULL, rev int NOT NULL, at timestamptz NOT NULL,
          actor_id text NOT NULL, actor_name text NOT NULL, type text NOT NULL, from_state text NOT NULL, to_state text NOT NULL,
          body text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,
          PRIMARY KEY (county_id, lane, seq));
        CREATE INDEX case_events_case ON case_events (county_id, case_id, rev);
        CREATE TABLE timers (
          county_id text NOT NULL, case_id text NOT NULL, timer_id text NOT NULL, event_type text NOT NULL,
          due_at timestamptz NOT NULL, claimed_until timestamptz,
          PRIMARY KEY (county_id, case_id, timer_id));
        CREATE INDEX timers_due ON timers (due_at);
        CREATE TABLE idempotency (
          county_id text NOT NULL, user_id text NOT NULL, key text NOT NULL, request_hash text NOT NULL,
          status int NOT NULL, response text NOT NULL, created_at timestamptz NOT NULL,
          PRIMARY KEY (county_id, user_id, key));
        CREATE TABLE notifications (
          county_id text NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY, case_id text NOT NULL, roles text NOT NULL,
          message text NOT NULL, created_at timestamptz NOT NULL,
          PRIMARY KEY (county_id, id));
        CREATE TABLE auth_failures (
          county_id text NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY, user_id text, action text NOT NULL,
          target text NOT NULL, at timestamptz NOT NULL,
          PRIMARY KEY (county_id, id));
`;

/**
 * The policy's condition. Each current_setting is a sub-select, so PostgreSQL reads the setting
 * once per statement (an InitPlan) instead of twice for every row it looks at: a count over
 * 54,000 index entries took 19 ms with the bare calls and 10 ms so.
 */
const COUNTY_ONLY = sql`county_id = (SELECT current_setting('app.county', true)) OR (SELECT current_setting('app.county', true)) = '*'`;

/**
 * A county's rows are seen only from that county: row-level security on the table (the county
 * comes from the session: app.county is set per connection; '*' is for the scheduler and
 * seeding), and the server's role may use it.
 */
async function countyOnly(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`CREATE POLICY county_only ON ${sql.table(table)} USING (${COUNTY_ONLY})`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO ${sql.raw(APP_ROLE)}`.execute(db);
}

/** The schema, as ordered migrations. The same SQL runs on PGlite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_initial': {
    async up(db: Kysely<unknown>) {
      for (const statement of SCHEMA.split(';').map((s) => s.trim()).filter(Boolean)) await sql.raw(statement).execute(db);
      await sql`
        DO $$ BEGIN
          CREATE ROLE countyflow_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
      `.execute(db);
      for (const table of TENANT_TABLES) await countyOnly(db, table);
    },
  },  '002_definition_source': {
    // What a version was published from: a county variation ({ extends, patch }) or null for a whole definition.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE definition_versions ADD COLUMN source json`.execute(db);
    },
  },  '003_draft_rev': {
    // Drafts carry a revision: two IT staff editing one process must not overwrite each other unseen.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE definition_drafts ADD COLUMN rev int NOT NULL DEFAULT 1`.execute(db);
    },
  },
  '004_case_unique_key': {
    // A process's uniqueness key (one case per household per year): the database refuses a second, even in a race.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE cases ADD COLUMN unique_key text`.execute(db);
      await sql`CREATE UNIQUE INDEX cases_unique_key ON cases (county_id, process_id, unique_key) WHERE unique_key IS NOT NULL`.execute(db);
    },
  },
  '005_my_cases': {
    // The inbox's tabs: 我发起的 (cases by who started them) and 已办 (cases a user acted on).
    async up(db: Kysely<unknown>) {
      await sql`CREATE INDEX cases_created_by ON cases (county_id, created_by, updated_at DESC)`.execute(db);
      await sql`CREATE INDEX case_events_actor ON case_events (county_id, actor_id, case_id)`.execute(db);
    },
  },
  '006_files': {
    // Files and photos as files: stored once by content (sha256) outside the database; a row per upload says whose case it belongs to.
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE files (
        county_id text NOT NULL, id text NOT NULL, upload_id text NOT NULL, case_id text NOT NULL, sha256 text NOT NULL,
        name text NOT NULL, type text NOT NULL, size bigint NOT NULL, created_by text NOT NULL, created_at timestamptz NOT NULL,
        PRIMARY KEY (county_id, id))`.execute(db);
      await sql`CREATE UNIQUE INDEX files_upload ON files (county_id, upload_id)`.execute(db);
      await sql`CREATE INDEX files_case ON files (county_id, case_id)`.execute(db);
      await countyOnly(db, 'files');
    },
  },
  '007_messages': {
    // The message centre: what each person should know (a new task, a return, a decision), read or not.
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE messages (
        county_id text NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY, user_id text NOT NULL, case_id text NOT NULL,
        kind text NOT NULL, title text NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL, read_at timestamptz,
        PRIMARY KEY (county_id, id))`.execute(db);
      await sql`CREATE INDEX messages_inbox ON messages (county_id, user_id, id DESC)`.execute(db);
      await countyOnly(db, 'messages');
    },
  },
  '008_channels': {
    // Messages leave CountyFlow: a county's WeCom / DingTalk group robots and its own systems (signed webhooks),
    // each delivery kept with its attempts; retries ride the timer outbox (event cf.deliver).
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE channels (
        county_id text NOT NULL, id text NOT NULL, kind text NOT NULL, name text NOT NULL, url text NOT NULL, secret text,
        process_id text, kinds text NOT NULL, created_by text NOT NULL, created_at timestamptz NOT NULL,
        PRIMARY KEY (county_id, id))`.execute(db);
      await sql`CREATE TABLE deliveries (
        county_id text NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY, channel_id text NOT NULL, case_id text NOT NULL, kind text NOT NULL,
        payload text NOT NULL, status text NOT NULL, attempts int NOT NULL DEFAULT 0, last_status int, last_error text,
        created_at timestamptz NOT NULL, delivered_at timestamptz, PRIMARY KEY (county_id, id))`.execute(db);
      await sql`CREATE INDEX deliveries_channel ON deliveries (county_id, channel_id, id DESC)`.execute(db);
      for (const table of ['channels', 'deliveries']) await countyOnly(db, table);
    },
  },
  '009_case_alerts': {
    // Which deadline reminders a case has had (due soon, overdue), per deadline: each is sent once.
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE case_alerts (county_id text NOT NULL, case_id text NOT NULL, due_at timestamptz NOT NULL, kind text NOT NULL, sent_at timestamptz NOT NULL,
        PRIMARY KEY (county_id, case_id, due_at, kind))`.execute(db);
      await countyOnly(db, 'case_alerts');
    },
  },
  '010_list_speed': {
    // Lists over a million cases: who holds a step (认领 / 加签) as columns the inbox can test without reading snapshots,
    // and indexes for the case list's order and the overdue list.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE cases ADD COLUMN claimed_by text[], ADD COLUMN added_to text[]`.execute(db);
      await sql`UPDATE cases SET claimed_by = ARRAY(SELECT jsonb_each_text.value FROM jsonb_each_text(snapshot->'claims')) WHERE snapshot ? 'claims'`.execute(db);
      await sql`UPDATE cases SET added_to = ARRAY(SELECT DISTINCT w FROM jsonb_each(snapshot->'added') AS a(step, who), jsonb_array_elements_text(a.who) AS w) WHERE snapshot ? 'added'`.execute(db);
      await sql`CREATE INDEX cases_recent ON cases (county_id, updated_at DESC, id)`.execute(db);
      await sql`CREATE INDEX cases_overdue ON cases (county_id, due_at) WHERE status = 'active'`.execute(db);
      await sql`CREATE INDEX cases_added ON cases (county_id) WHERE added_to IS NOT NULL`.execute(db);
    },
  },
  '011_session_revocations': {
    // Sessions are kept in each server's memory once read; a revoked one is written here, and every
    // server reads what was added since it last looked (about once a second) and forgets those sessions.
    // Holds only hashes of session tokens, no county data: no row-level security.
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE session_revocations (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, session_id text NOT NULL, at timestamptz NOT NULL)`.execute(db);
      await sql`GRANT SELECT, INSERT, DELETE ON session_revocations TO ${sql.raw(APP_ROLE)}`.execute(db);
    },
  },
  '012_inbox_and_search': {
    // Lists over a million cases, continued: the inbox and the overdue list read active cases in due order
    // (then last change, then id) from one index and stop at a page, and count overdue cases under a unit
    // from it alone; the inbox's size comes from the counters, corrected by the few cases with a claim or
    // an addition (cases_claims).
    // A search by part of a title: every suffix of each title (its first 64 characters, each cut to 32),
    // so "contains q" is "some suffix starts with q", a range on an index. Not a trigram index: under
    // row-level security PostgreSQL uses an index only for leakproof operators, and LIKE is not one
    // (comparing text is). Kept by triggers, whichever statement writes a case.
    async up(db: Kysely<unknown>) {
      await sql`DROP INDEX cases_overdue`.execute(db);
      await sql`CREATE INDEX cases_overdue ON cases (county_id, due_at, updated_at, id) INCLUDE (org_path) WHERE status = 'active'`.execute(db);
      await sql`CREATE INDEX cases_claims ON cases (county_id) WHERE status = 'active' AND (claimed_by IS NOT NULL OR added_to IS NOT NULL)`.execute(db);
      await sql`CREATE TABLE case_titles (county_id text NOT NULL, suffix text COLLATE "C" NOT NULL, case_id text NOT NULL, PRIMARY KEY (county_id, suffix, case_id))`.execute(db);
      await sql`CREATE INDEX case_titles_case ON case_titles (county_id, case_id)`.execute(db);
      await countyOnly(db, 'case_titles');
      const suffixes = (row: string) => sql.raw(`SELECT ${row}.county_id, substr(lower(${row}.title), i, 32), ${row}.id FROM generate_series(1, least(char_length(${row}.title), 64)) i`);
      await sql`INSERT INTO case_titles SELECT t.* FROM cases AS c, LATERAL (${suffixes('c')}) AS t ON CONFLICT DO NOTHING`.execute(db);
      await sql`
        CREATE FUNCTION case_titles_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN DELETE FROM case_titles WHERE county_id = OLD.county_id AND case_id = OLD.id; END IF;
          INSERT INTO case_titles (county_id, suffix, case_id) ${suffixes('NEW')} ON CONFLICT DO NOTHING;
          RETURN NULL;
        END $$`.execute(db);
      await sql`CREATE TRIGGER case_titles_new AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION case_titles_keep()`.execute(db);
      await sql`CREATE TRIGGER case_titles_changed AFTER UPDATE OF title ON cases FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION case_titles_keep()`.execute(db);
    },
  },
  '013_policy_reads_county_once': {
    // Row-level security's condition read the county setting for every row a scan looked at (see COUNTY_ONLY).
    async up(db: Kysely<unknown>) {
      const tables = await sql<{ tablename: string }>`SELECT tablename FROM pg_policies WHERE policyname = 'county_only' AND schemaname = current_schema()`.execute(db);
      for (const { tablename } of tables.rows) await sql`ALTER POLICY county_only ON ${sql.table(tablename)} USING (${COUNTY_ONLY})`.execute(db);
    },
  },
  '014_case_counts_by_lane': {
    // One counter row per unit and state made every step of a village's cases that changed state queue on it
    // (the row stays locked until commit). Each case now counts in its chain lane's row; readers sum the lanes.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE case_counts ADD COLUMN lane int NOT NULL DEFAULT 0`.execute(db);
      await sql`ALTER TABLE case_counts DROP CONSTRAINT case_counts_pkey`.execute(db);
      await sql`ALTER TABLE case_counts ADD PRIMARY KEY (county_id, process_id, org_path, state, status, lane)`.execute(db);
    },
  },
  '015_county_admin': {
    // A county runs on its own people: accounts an administrator adds, deactivates and resets; passwords that
    // must be changed after a reset (a one-time code with an expiry); a growing delay after failed sign-ins;
    // units with their 统计用区划代码 that are closed (not deleted) when they stop taking cases.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE users ADD COLUMN phone text, ADD COLUMN active boolean NOT NULL DEFAULT true,
        ADD COLUMN must_change_password boolean NOT NULL DEFAULT false, ADD COLUMN password_expires_at timestamptz,
        ADD COLUMN failed_logins int NOT NULL DEFAULT 0, ADD COLUMN login_after timestamptz`.execute(db);
      await sql`ALTER TABLE org_units ADD COLUMN division_code text, ADD COLUMN closed_at timestamptz`.execute(db);
    },
  },
  '016_session_method': {
    // How a session was signed in to: a password that must be changed restricts only sessions it opened,
    // not one the county's identity provider (single sign-on) authenticated.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE sessions ADD COLUMN method text NOT NULL DEFAULT 'password'`.execute(db);
    },
  },
  '017_calendar_years': {
    // Calendars a county maintains as data: each year of national holidays and 调休 working days it loads
    // (replacing that year of the built-in calendar), and its own days (楚雄州's 火把节) on top.
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE calendar_years (
        county_id text NOT NULL, year int NOT NULL, layer text NOT NULL, holidays json NOT NULL, workdays json NOT NULL,
        loaded_at timestamptz NOT NULL, loaded_by text NOT NULL, PRIMARY KEY (county_id, year, layer))`.execute(db);
      await countyOnly(db, 'calendar_years');
    },
  },
  '018_migrations_readable': {
    // /health/ready tells a load balancer whether every migration has run; it asks as the server's own role.
    async up(db: Kysely<unknown>) {
      await sql`GRANT SELECT ON kysely_migration TO ${sql.raw(APP_ROLE)}`.execute(db);
    },
  },
  '019_drop_notifications': {
    // The notify action now writes to each person's message centre (messages) and the county's channels;
    // this table was written and never read.
    async up(db: Kysely<unknown>) {
      await sql`DROP TABLE notifications`.execute(db);
    },
  },
  '020_log_pages': {
    // The admin area's history (~admin) and the record of personal-information access (~personal) are read
    // a page at a time by their place in the chain (keyset on seq): each page is an index range, however long the log.
    async up(db: Kysely<unknown>) {
      await sql`CREATE INDEX case_events_log ON case_events (county_id, case_id, seq)`.execute(db);
    },
  },
  '021_personal_search': {
    // A case found by a personal value typed in full (an ID number, a phone) though lists show it masked: the
    // digest of each personal value of a case (server/cases/personalSearch.ts), kept by the steps that change
    // them. Cases already written: their values shaped as an ID number or a mobile number (the default
    // personal formats); fields an author marked personal join at the case's next change of them.
    // And a title made from personal fields is searched (case_titles) and sorted as it is shown masked
    // (masked_title), so a search by part of it cannot find out the masked characters a few at a time. Cases
    // already written: ID numbers and mobile numbers in their titles masked as the server masks them.
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE cases ADD COLUMN masked_title text`.execute(db);
      await sql`UPDATE cases SET masked_title = regexp_replace(regexp_replace(title,
          '([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])', '\\1********\\2', 'g'), '(1[3-9][0-9])[0-9]{4}([0-9]{4})', '\\1****\\2', 'g')
        WHERE title ~ '[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}'`.execute(db);
      const suffixes = (row: string) => sql.raw(`SELECT ${row}.county_id, substr(lower(coalesce(${row}.masked_title, ${row}.title)), i, 32), ${row}.id FROM generate_series(1, least(char_length(coalesce(${row}.masked_title, ${row}.title)), 64)) i`);
      await sql`
        CREATE OR REPLACE FUNCTION case_titles_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN DELETE FROM case_titles WHERE county_id = OLD.county_id AND case_id = OLD.id; END IF;
          INSERT INTO case_titles (county_id, suffix, case_id) ${suffixes('NEW')} ON CONFLICT DO NOTHING;
          RETURN NULL;
        END $$`.execute(db);
      await sql`DROP TRIGGER case_titles_changed ON cases`.execute(db);
      await sql`CREATE TRIGGER case_titles_changed AFTER UPDATE OF title, masked_title ON cases FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.masked_title IS DISTINCT FROM NEW.masked_title) EXECUTE FUNCTION case_titles_keep()`.execute(db);
      await sql`DELETE FROM case_titles t USING cases c WHERE c.masked_title IS NOT NULL AND t.county_id = c.county_id AND t.case_id = c.id`.execute(db);
      await sql`INSERT INTO case_titles SELECT t.* FROM cases AS c, LATERAL (${suffixes('c')}) AS t WHERE c.masked_title IS NOT NULL ON CONFLICT DO NOTHING`.execute(db);

      await sql`CREATE TABLE case_personal (county_id text NOT NULL, digest text COLLATE "C" NOT NULL, case_id text NOT NULL, PRIMARY KEY (county_id, digest, case_id))`.execute(db);
      await sql`CREATE INDEX case_personal_case ON case_personal (county_id, case_id)`.execute(db);
      await countyOnly(db, 'case_personal');
      await sql`INSERT INTO case_personal (county_id, digest, case_id)
        SELECT c.county_id, left(encode(sha256(convert_to(upper(regexp_replace(v #>> '{}', '[[:space:]-]', '', 'g')), 'UTF8')), 'hex'), 32), c.id
        FROM cases AS c, jsonb_path_query(c.snapshot -> 'context' -> 'data', 'strict $.**') AS v
        WHERE jsonb_typeof(v) = 'string' AND v #>> '{}' ~ '^([0-9]{17}[0-9Xx]|1[3-9][0-9]{9})$'
        ON CONFLICT DO NOTHING`.execute(db);
    },
  },
};
