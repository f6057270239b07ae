import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** How a session was signed in to: a password, or the county's identity provider (single sign-on). */
export type SessionMethod = 'password' | 'sso';

/** The database tables. Every table's primary key starts with county_id. */
export interface Database {
  counties: { county_id: string; name: string; created_at: Generated<Timestamp> };
  county_chain: { county_id: string; lane: number; seq: ColumnType<string | number, number, number>; head: string; prev_head: string };
  org_units: {
    county_id: string; id: string; parent_id: string | null; level: string; name: string; path: string; sort: number;
    division_code: ColumnType<string | null, string | null | undefined, string | null>; closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  };
  users: {
    county_id: string; id: string; username: string; display_name: string; password_hash: string; created_at: Generated<Timestamp>;
    phone: ColumnType<string | null, string | null | undefined, string | null>;
    active: ColumnType<boolean, boolean | undefined, boolean>;
    /** Set by an administrator's reset or a first password: every request but changing it is refused until it is changed. */
    must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
    /** When a one-time password stops working (24 hours after a reset). */
    password_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    failed_logins: ColumnType<number, number | undefined, number>;
    /** No password is checked for this account before this time (a growing delay after failures). */
    login_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  };
  grants: { county_id: string; user_id: string; role: string; unit_id: string };
  sessions: { county_id: string; id: string; user_id: string; csrf: string; created_at: Timestamp; expires_at: Timestamp; revoked_at: Timestamp | null; method: Generated<SessionMethod> };
  definition_versions: { county_id: string; process_id: string; version: number; body: Json; source: ColumnType<unknown, string | null | undefined, string | null>; hash: string; note: string; published_at: Timestamp; published_by: string };
  definition_drafts: { county_id: string; process_id: string; body: Json; updated_at: Timestamp; updated_by: string; rev: ColumnType<number, number | undefined, number> };
  cases: {
    county_id: string;
    id: string;
    process_id: string;
    process_version: number;
    org_unit_id: string;
    org_path: string;
    state: string;
    status: string;
    outcome: string | null;
    snapshot: Json;
    rev: number;
    due_at: Timestamp | null;
    parent_id: string | null;
    title: string;
    /** The title as whoever is not on the case's step reads it, when it is made from personal fields (else null): what a search by part of a title matches. */
    masked_title: ColumnType<string | null, string | null | undefined, string | null>;
    created_by: string;
    created_at: Timestamp;
    updated_at: Timestamp;
    unique_key: ColumnType<string | null, string | null | undefined, string | null>;
    claimed_by: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
    added_to: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  };
  calendar_years: { county_id: string; year: number; layer: string; holidays: Json; workdays: Json; loaded_at: Timestamp; loaded_by: string };
  case_titles: { county_id: string; suffix: string; case_id: string };
  case_personal: { county_id: string; digest: string; case_id: string };
  case_counts: { county_id: string; process_id: string; org_path: string; state: string; status: string; lane: Generated<number>; n: ColumnType<string | number, number, number> };
  case_events: {
    county_id: string;
    lane: number;
    seq: ColumnType<string | number, number, number>;
    case_id: string;
    rev: number;
    at: Timestamp;
    actor_id: string;
    actor_name: string;
    type: string;
    from_state: string;
    to_state: string;
    body: string;
    prev_hash: string;
    hash: string;
  };
  timers: { county_id: string; case_id: string; timer_id: string; event_type: string; due_at: Timestamp; claimed_until: Timestamp | null };
  idempotency: { county_id: string; user_id: string; key: string; request_hash: string; status: number; response: string; created_at: Timestamp };
  files: { county_id: string; id: string; upload_id: string; case_id: string; sha256: string; name: string; type: string; size: ColumnType<string | number, number, number>; created_by: string; created_at: Timestamp };
  messages: { county_id: string; id: Generated<string | number>; user_id: string; case_id: string; kind: string; title: string; body: string; created_at: Timestamp; read_at: Timestamp | null };
  channels: { county_id: string; id: string; kind: string; name: string; url: string; secret: string | null; process_id: string | null; kinds: string; created_by: string; created_at: Timestamp };
  deliveries: { county_id: string; id: Generated<string | number>; channel_id: string; case_id: string; kind: string; payload: string; status: string; attempts: ColumnType<number, number | undefined, number>; last_status: number | null; last_error: string | null; created_at: Timestamp; delivered_at: Timestamp | null };
  case_alerts: { county_id: string; case_id: string; due_at: Timestamp; kind: string; sent_at: Timestamp };
  session_revocations: { seq: Generated<string>; session_id: string; at: Timestamp };
  auth_failures: { county_id: string; id: Generated<number>; user_id: string | null; action: string; target: string; at: Timestamp };
}
