// Forward-only, numbered migrations. Each runs in one transaction together with the row that records it,
// so a crash leaves the database either before or after a migration, never in between.
// Never edit a migration that has shipped: add the next number.
#include <chrono>
#include <fmt/format.h>

#include "store/db.h"

namespace watchfloor::store {
namespace {

// `sql` runs on both stores (store/dialect.h rewrites its types and append-only guards for PostgreSQL); what
// only one of them has (SQLite's FTS5, PostgreSQL's trigram index) follows it there.
struct Migration {
  int64_t version;
  const char* name;
  const char* sql;
  const char* sqlite_only = nullptr;
  const char* postgres_only = nullptr;
};

const Migration kMigrations[] = {
    {1, "organisation, people, sessions, audit log", R"sql(
CREATE TABLE installation (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE units (
  id              INTEGER PRIMARY KEY,
  parent_id       INTEGER REFERENCES units(id),
  code            TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL,
  name_vi         TEXT NOT NULL,
  name_en         TEXT NOT NULL,
  time_zone       TEXT NOT NULL,
  has_camera_room INTEGER NOT NULL DEFAULT 0,
  must_run_24x7   INTEGER NOT NULL DEFAULT 0,
  external        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

-- A designation points from one unit to the unit that fills a role in the regulation for it
-- (its duty watch, its leadership, ...). Routing reads these.
CREATE TABLE unit_designations (
  unit_id        INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL,
  target_unit_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (unit_id, kind)
);
CREATE INDEX unit_designations_target ON unit_designations(target_unit_id);

CREATE TABLE users (
  id                   INTEGER PRIMARY KEY,
  username             TEXT NOT NULL UNIQUE,
  full_name            TEXT NOT NULL,
  unit_id              INTEGER NOT NULL REFERENCES units(id),
  title                TEXT NOT NULL DEFAULT '',
  password_hash        TEXT NOT NULL,
  active               INTEGER NOT NULL DEFAULT 1,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  created_at           INTEGER NOT NULL,
  last_login_at        INTEGER
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE role_grants (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (user_id, role, unit_id)
);
CREATE INDEX role_grants_unit ON role_grants(unit_id);

-- Only a hash of the session token is stored: a copy of the database does not let anyone log in.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ip           TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor_id    INTEGER,
  actor       TEXT,
  unit_id     INTEGER,
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id   TEXT NOT NULL,
  details     TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  ip          TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
-- The hash chain detects tampering; these triggers stop the application (or a careless hand)
-- from changing history in the first place.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
    {2, "duty watch: rosters, shifts, duty log, focus items, orders, handover", R"sql(
CREATE TABLE shift_templates (
  unit_id    INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
  body       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE rosters (
  id                    INTEGER PRIMARY KEY,
  unit_id               INTEGER NOT NULL REFERENCES units(id),
  period_from           TEXT NOT NULL,
  period_to             TEXT NOT NULL,
  status                TEXT NOT NULL,
  rotation              TEXT NOT NULL,
  overrides             TEXT NOT NULL DEFAULT '[]',
  swaps                 TEXT NOT NULL DEFAULT '[]',
  composition_exception TEXT,
  created_by            INTEGER,
  created_at            INTEGER NOT NULL,
  submitted_by          INTEGER,
  submitted_at          INTEGER,
  approved_by           INTEGER,
  approved_at           INTEGER,
  published_by          INTEGER,
  published_at          INTEGER,
  updated_at            INTEGER NOT NULL
);
CREATE INDEX rosters_unit ON rosters(unit_id, period_from);

CREATE TABLE roster_amendments (
  id        INTEGER PRIMARY KEY,
  roster_id INTEGER NOT NULL REFERENCES rosters(id),
  at        INTEGER NOT NULL,
  by_user   INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  change    TEXT NOT NULL
);

CREATE TABLE shifts (
  id        INTEGER PRIMARY KEY,
  unit_id   INTEGER NOT NULL REFERENCES units(id),
  roster_id INTEGER NOT NULL REFERENCES rosters(id),
  date      TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at   INTEGER NOT NULL,
  UNIQUE (unit_id, date)
);
CREATE INDEX shifts_unit_time ON shifts(unit_id, starts_at);

CREATE TABLE shift_members (
  shift_id      INTEGER NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users(id),
  position      TEXT NOT NULL,
  checked_in_at INTEGER,
  PRIMARY KEY (shift_id, user_id)
);

CREATE TABLE focus_items (
  id       INTEGER PRIMARY KEY,
  shift_id INTEGER NOT NULL REFERENCES shifts(id),
  text     TEXT NOT NULL,
  source   TEXT NOT NULL,
  set_by   INTEGER NOT NULL REFERENCES users(id),
  at       INTEGER NOT NULL
);

-- The duty log is recorded fully and truthfully: entries are never edited or deleted, only
-- corrected by later entries that point to them.
CREATE TABLE duty_log (
  id          INTEGER PRIMARY KEY,
  shift_id    INTEGER NOT NULL REFERENCES shifts(id),
  at          INTEGER NOT NULL,
  author_id   INTEGER NOT NULL REFERENCES users(id),
  kind        TEXT NOT NULL,
  text        TEXT NOT NULL,
  links       TEXT NOT NULL DEFAULT '{}',
  corrects_id INTEGER REFERENCES duty_log(id)
);
CREATE INDEX duty_log_shift ON duty_log(shift_id, id);
CREATE TRIGGER duty_log_no_update BEFORE UPDATE ON duty_log
  BEGIN SELECT RAISE(ABORT, 'duty_log is append-only'); END;
CREATE TRIGGER duty_log_no_delete BEFORE DELETE ON duty_log
  BEGIN SELECT RAISE(ABORT, 'duty_log is append-only'); END;

CREATE TABLE shift_orders (
  id                INTEGER PRIMARY KEY,
  shift_id          INTEGER NOT NULL REFERENCES shifts(id),
  kind              TEXT NOT NULL,
  target_type       TEXT NOT NULL,
  target_ref        TEXT NOT NULL,
  receiving_unit_id INTEGER REFERENCES units(id),
  instructions      TEXT NOT NULL DEFAULT '',
  issued_by         INTEGER NOT NULL REFERENCES users(id),
  issued_at         INTEGER NOT NULL,
  outcome           TEXT,
  outcome_by        INTEGER REFERENCES users(id),
  outcome_at        INTEGER
);
CREATE INDEX shift_orders_shift ON shift_orders(shift_id);

CREATE TABLE handovers (
  shift_id    INTEGER PRIMARY KEY REFERENCES shifts(id),
  prepared_by INTEGER NOT NULL REFERENCES users(id),
  prepared_at INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  notes       TEXT NOT NULL DEFAULT '',
  open_items  TEXT NOT NULL DEFAULT '[]',
  accepted_by INTEGER REFERENCES users(id),
  accepted_at INTEGER,
  remarks     TEXT
);
)sql"},
    {3, "alerts", R"sql(
CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,
  subject         TEXT NOT NULL,
  unit_id         INTEGER REFERENCES units(id),
  severity        TEXT NOT NULL,
  title_vi        TEXT NOT NULL,
  title_en        TEXT NOT NULL,
  audience        TEXT NOT NULL DEFAULT '[]',
  details         TEXT NOT NULL DEFAULT '{}',
  raised_at       INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by INTEGER REFERENCES users(id),
  closed_at       INTEGER
);
-- At most one open alert per kind and subject.
CREATE UNIQUE INDEX alerts_open ON alerts(kind, subject) WHERE closed_at IS NULL;
CREATE INDEX alerts_unit ON alerts(unit_id, id);
)sql"},
    {4, "online supervision: tasks, cases, proposals, coordination requests, inbox, escalation", R"sql(
CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY,
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  method      TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  period_from INTEGER NOT NULL,
  period_to   INTEGER,
  status      TEXT NOT NULL DEFAULT 'active',
  directive   TEXT NOT NULL DEFAULT 'null',
  officers    TEXT NOT NULL DEFAULT '[]',
  targets     TEXT NOT NULL DEFAULT '[]',
  created_by  INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX tasks_unit ON tasks(unit_id, id);

CREATE TABLE cases (
  id                  INTEGER PRIMARY KEY,
  number              TEXT NOT NULL UNIQUE,
  unit_id             INTEGER NOT NULL REFERENCES units(id),
  task_id             INTEGER REFERENCES tasks(id),
  method              TEXT NOT NULL,
  status              TEXT NOT NULL,
  severity            TEXT NOT NULL,
  observed_at         INTEGER NOT NULL,
  site                TEXT NOT NULL,
  site_unit_id        INTEGER REFERENCES units(id),
  cameras             TEXT NOT NULL DEFAULT '[]',
  subject             TEXT NOT NULL,
  description         TEXT NOT NULL,
  suspected_violation TEXT NOT NULL DEFAULT '',
  immediate_measure   TEXT NOT NULL DEFAULT '',
  identifiers         TEXT NOT NULL DEFAULT '{}',
  search_text         TEXT NOT NULL DEFAULT '',
  reported_by         INTEGER REFERENCES users(id),
  reported_at         INTEGER,
  reporter_on_duty    INTEGER NOT NULL DEFAULT 0,
  routing             TEXT NOT NULL DEFAULT 'null',
  handling_unit_id    INTEGER REFERENCES units(id),
  clause              TEXT,
  acknowledged_by     INTEGER REFERENCES users(id),
  acknowledged_at     INTEGER,
  outcome             TEXT,
  outcome_note        TEXT,
  concluded_by        INTEGER REFERENCES users(id),
  concluded_at        INTEGER,
  closed_by           INTEGER REFERENCES users(id),
  closed_at           INTEGER,
  escalation          TEXT NOT NULL DEFAULT '{}',
  created_by          INTEGER NOT NULL REFERENCES users(id),
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX cases_unit ON cases(unit_id, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_handling ON cases(handling_unit_id, status);

-- Who a case was sent to, and who may approve its handling plan (from its routing and escalation).
CREATE TABLE case_recipients (
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  user_id  INTEGER NOT NULL REFERENCES users(id),
  role     TEXT NOT NULL,
  approver INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_recipients_user ON case_recipients(user_id);

-- The case's story: append-only, like the duty log.
CREATE TABLE case_events (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at      INTEGER NOT NULL,
  by      INTEGER REFERENCES users(id),
  kind    TEXT NOT NULL,
  text_vi TEXT NOT NULL,
  text_en TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case timeline is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case timeline is append-only'); END;

CREATE TABLE case_proposals (
  id             INTEGER PRIMARY KEY,
  case_id        INTEGER NOT NULL REFERENCES cases(id),
  text           TEXT NOT NULL,
  proposed_by    INTEGER NOT NULL REFERENCES users(id),
  proposed_at    INTEGER NOT NULL,
  status         TEXT NOT NULL DEFAULT 'proposed',
  decided_by     INTEGER REFERENCES users(id),
  decided_at     INTEGER,
  remarks        TEXT,
  executed_by    INTEGER REFERENCES users(id),
  executed_at    INTEGER,
  execution_note TEXT
);
CREATE INDEX case_proposals_case ON case_proposals(case_id, id);

CREATE TABLE coordination_requests (
  id               INTEGER PRIMARY KEY,
  number           TEXT NOT NULL UNIQUE,
  case_id          INTEGER NOT NULL REFERENCES cases(id),
  from_unit_id     INTEGER NOT NULL REFERENCES units(id),
  to_unit_id       INTEGER NOT NULL REFERENCES units(id),
  content          TEXT NOT NULL,
  requested_action TEXT NOT NULL,
  deadline         INTEGER NOT NULL,
  contacts         TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'sent',
  created_by       INTEGER NOT NULL REFERENCES users(id),
  created_at       INTEGER NOT NULL,
  acknowledged_by  INTEGER REFERENCES users(id),
  acknowledged_at  INTEGER,
  result           TEXT,
  responded_by     INTEGER REFERENCES users(id),
  responded_at     INTEGER
);
CREATE INDEX coordination_case ON coordination_requests(case_id);
CREATE INDEX coordination_to ON coordination_requests(to_unit_id, status);

CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id),
  kind            TEXT NOT NULL,
  case_id         INTEGER REFERENCES cases(id),
  coordination_id INTEGER REFERENCES coordination_requests(id),
  title_vi        TEXT NOT NULL,
  title_en        TEXT NOT NULL,
  severity        TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  read_at         INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- Document numbers run per series (a unit and a year): the next one is read and bumped in the
-- transaction that uses it, never counted from the documents themselves.
CREATE TABLE number_series (
  series TEXT PRIMARY KEY,
  last   INTEGER NOT NULL
);

CREATE TABLE escalation_policies (
  severity   TEXT PRIMARY KEY,
  policy     TEXT NOT NULL,
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
);
)sql"},
    {5, "video: sites and cameras", R"sql(
CREATE TABLE sites (
  id         INTEGER PRIMARY KEY,
  unit_id    INTEGER NOT NULL REFERENCES units(id),
  kind       TEXT NOT NULL,
  name       TEXT NOT NULL,
  address    TEXT NOT NULL DEFAULT '',
  latitude   REAL,
  longitude  REAL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sites_unit ON sites(unit_id);

CREATE TABLE cameras (
  id              INTEGER PRIMARY KEY,
  site_id         INTEGER NOT NULL REFERENCES sites(id),
  name            TEXT NOT NULL,
  owner           TEXT NOT NULL,
  owner_name      TEXT NOT NULL DEFAULT '',
  connection      TEXT NOT NULL,
  main_url        TEXT NOT NULL,
  sub_url         TEXT,
  credentials     TEXT,            -- sealed (core::SecretBox): never returned by the API
  enabled         INTEGER NOT NULL DEFAULT 1,
  retention_days  INTEGER NOT NULL,
  retention_bytes INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX cameras_site ON cameras(site_id);
)sql"},

    {6, "recorder", R"sql(
-- The recorder's index (docs/formats.md §4). Times in 90 kHz ticks since 1970 (_90k), holds in ms.
CREATE TABLE sample_dirs (
  id            INTEGER PRIMARY KEY,
  label         TEXT NOT NULL UNIQUE,
  path          TEXT NOT NULL UNIQUE,
  uuid          TEXT NOT NULL UNIQUE,
  floor_percent REAL NOT NULL DEFAULT 5,
  state         TEXT NOT NULL DEFAULT 'online'   -- online | offline | held_full
);
CREATE TABLE recorder_opens (
  id         INTEGER PRIMARY KEY,
  boot_id    TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  alive_ms   INTEGER NOT NULL,
  ended_ms   INTEGER,
  end_kind   TEXT                                -- clean | crash | power_loss
);
CREATE TABLE streams (
  id            INTEGER PRIMARY KEY,
  camera_id     INTEGER NOT NULL REFERENCES cameras(id),
  kind          TEXT NOT NULL CHECK (kind IN ('main','sub')),
  sample_dir_id INTEGER NOT NULL REFERENCES sample_dirs(id),
  next_seq      INTEGER NOT NULL DEFAULT 1,
  UNIQUE (camera_id, kind)
);
CREATE TABLE video_sample_entries (
  id         INTEGER PRIMARY KEY,
  sha256     TEXT NOT NULL UNIQUE,
  codec      TEXT NOT NULL,
  width      INTEGER NOT NULL,
  height     INTEGER NOT NULL,
  init       BLOB NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  stream_id       INTEGER NOT NULL REFERENCES streams(id),
  open_id         INTEGER NOT NULL REFERENCES recorder_opens(id),
  first_seq       INTEGER NOT NULL,
  start_90k       INTEGER,
  end_90k         INTEGER,
  clock_offset_ns INTEGER NOT NULL,
  end_reason      TEXT
);
CREATE INDEX runs_stream ON runs(stream_id, first_seq);
CREATE TABLE segments (
  id                    INTEGER PRIMARY KEY,
  stream_id             INTEGER NOT NULL REFERENCES streams(id),
  camera_id             INTEGER NOT NULL REFERENCES cameras(id),
  seq                   INTEGER NOT NULL,
  sample_dir_id         INTEGER NOT NULL REFERENCES sample_dirs(id),
  open_id               INTEGER NOT NULL REFERENCES recorder_opens(id),
  run_id                INTEGER NOT NULL REFERENCES runs(id),
  run_index             INTEGER NOT NULL,
  start_90k             INTEGER NOT NULL,
  end_90k               INTEGER NOT NULL,
  media_duration_90k    INTEGER NOT NULL CHECK (media_duration_90k > 0),
  local_start_delta_90k INTEGER NOT NULL,
  bytes                 INTEGER NOT NULL,
  sha256                TEXT NOT NULL,
  frames                INTEGER NOT NULL,
  keyframes             INTEGER NOT NULL CHECK (keyframes >= 1),
  fragments             INTEGER NOT NULL,
  sample_entry_id       INTEGER NOT NULL REFERENCES video_sample_entries(id),
  sample_index          BLOB NOT NULL,
  flags                 INTEGER NOT NULL DEFAULT 0,   -- 1: recovered at start-up
  state                 TEXT NOT NULL DEFAULT 'ok',   -- ok | missing | damaged
  verified_ms           INTEGER,
  UNIQUE (stream_id, seq),
  CHECK (end_90k > start_90k),
  -- invariant 7: wall duration within 500 ppm of the media duration
  CHECK (abs((end_90k - start_90k) - media_duration_90k) <= media_duration_90k / 2000 + 1)
);
CREATE INDEX segments_stream_time ON segments(stream_id, start_90k);
CREATE INDEX segments_camera_time ON segments(camera_id, start_90k);
CREATE TABLE gaps (
  id        INTEGER PRIMARY KEY,
  stream_id INTEGER NOT NULL REFERENCES streams(id),
  camera_id INTEGER NOT NULL REFERENCES cameras(id),
  start_90k INTEGER NOT NULL,
  end_90k   INTEGER,
  cause     TEXT NOT NULL CHECK (cause IN ('camera_down','recorder_down','disk_full','disk_error','retention',
                                           'clock_step','discontinuity','disabled')),
  detail    TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX gaps_open ON gaps(stream_id) WHERE end_90k IS NULL;
CREATE INDEX gaps_stream_time ON gaps(stream_id, start_90k);
CREATE TABLE garbage (
  sample_dir_id INTEGER NOT NULL REFERENCES sample_dirs(id),
  rel_path      TEXT NOT NULL,
  reason        TEXT NOT NULL,
  queued_ms     INTEGER NOT NULL,
  PRIMARY KEY (sample_dir_id, rel_path)
);
CREATE TABLE holds (
  id             INTEGER PRIMARY KEY,
  camera_id      INTEGER NOT NULL REFERENCES cameras(id),
  from_ms        INTEGER NOT NULL,
  to_ms          INTEGER NOT NULL CHECK (to_ms > from_ms),
  reason         TEXT NOT NULL,
  case_id        INTEGER REFERENCES cases(id),
  holder_id      INTEGER NOT NULL REFERENCES users(id),
  created_ms     INTEGER NOT NULL,
  created_by     INTEGER NOT NULL REFERENCES users(id),
  released_ms    INTEGER,
  released_by    INTEGER REFERENCES users(id),
  release_reason TEXT
);
CREATE INDEX holds_active ON holds(camera_id, from_ms) WHERE released_ms IS NULL;
CREATE TRIGGER holds_no_delete BEFORE DELETE ON holds BEGIN SELECT RAISE(ABORT, 'holds are never deleted'); END;
-- An enterprise camera's outage (Art. 16): repaired within 10 working days.
CREATE TABLE camera_outages (
  id              INTEGER PRIMARY KEY,
  camera_id       INTEGER NOT NULL REFERENCES cameras(id),
  started_ms      INTEGER NOT NULL,
  ended_ms        INTEGER,
  repair_due_ms   INTEGER NOT NULL,
  owner_name      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX camera_outages_open ON camera_outages(camera_id) WHERE ended_ms IS NULL;
)sql"},

    {7, "camera credentials bound to a host and port", R"sql(
-- The host:port (video::rtsp_endpoint of main_url) the sealed credentials were entered for; they are
-- handed out only for an address that connects there. NULL with credentials set: a row from before
-- this migration, bound to the host:port of its main_url as it is now.
ALTER TABLE cameras ADD COLUMN credentials_host TEXT;
)sql"},

    {8, "sub stream recording", R"sql(
-- The sub stream is recorded too when record_sub is set (for instant replay and playback on a small
-- screen, or where the browser cannot decode the main stream), kept sub_retention_days.
ALTER TABLE cameras ADD COLUMN record_sub INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cameras ADD COLUMN sub_retention_days INTEGER NOT NULL DEFAULT 7;
)sql"},

    {9, "video wall views", R"sql(
-- Saved views of the video wall (video/wall_views.h): tiles and tour are JSON arrays of camera ids.
-- A view is its owner's alone unless shared with its unit; at most one shared view per unit is the
-- unit's default (the wall its online supervision officers open on).
CREATE TABLE wall_views (
  id INTEGER PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  layout TEXT NOT NULL,
  tiles TEXT NOT NULL DEFAULT '[]',
  shared INTEGER NOT NULL DEFAULT 0,
  is_default INTEGER NOT NULL DEFAULT 0,
  tour TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (is_default = 0 OR shared = 1)
);
CREATE INDEX wall_views_unit ON wall_views(unit_id);
CREATE INDEX wall_views_owner ON wall_views(owner_id);
CREATE UNIQUE INDEX wall_views_default ON wall_views(unit_id) WHERE is_default = 1;
)sql"},
    {10, "key-point authority and the 16.4(c) relay", R"sql(
-- A key-point plan is in force once the leadership of its unit approves it; plans made before this
-- migration were in force already.
ALTER TABLE tasks ADD COLUMN approved_by INTEGER REFERENCES users(id);
ALTER TABLE tasks ADD COLUMN approved_at INTEGER;
UPDATE tasks SET approved_by = created_by, approved_at = created_at WHERE method = 'keypoint_plan';

-- Art. 16.4(c): a case reported to headquarters leadership through the focal point, hop by hop.
CREATE TABLE case_relays (
  case_id       INTEGER PRIMARY KEY REFERENCES cases(id),
  stage         TEXT NOT NULL,
  focal_unit_id INTEGER NOT NULL REFERENCES units(id),
  hq_unit_id    INTEGER NOT NULL REFERENCES units(id),
  due_at        INTEGER,
  leaders       TEXT NOT NULL DEFAULT '[]',
  summary       TEXT,
  proposal      TEXT,
  forwarded_by  INTEGER REFERENCES users(id),
  forwarded_at  INTEGER,
  bypass_reason TEXT,
  direction     TEXT,
  directed_by   INTEGER REFERENCES users(id),
  directed_at   INTEGER,
  relay_note    TEXT,
  relayed_by    INTEGER REFERENCES users(id),
  relayed_at    INTEGER
);
CREATE INDEX case_relays_due ON case_relays(due_at) WHERE due_at IS NOT NULL;
)sql"},

    {11, "acting shift leader", R"sql(
-- Quyền lãnh đạo ca trực: the deputy leader a roster names to act as the shift's leader (duty/schedule.h).
ALTER TABLE shift_members ADD COLUMN acting_leader INTEGER NOT NULL DEFAULT 0;
)sql"},
    {12, "unit place (địa danh) for administrative documents", R"sql(
-- The province or city where the unit has its seat, as a document it issues names it before the
-- date (Nghị định 30/2020/NĐ-CP: "Hải Phòng, ngày 05 tháng 12 năm 2026"). Empty: the nearest unit
-- above that has one.
ALTER TABLE units ADD COLUMN place TEXT NOT NULL DEFAULT '';
)sql"},
    {13, "a store that stays fast with a year of data", R"sql(
-- The inbox's unread count is kept with every notification and every read, not recounted.
CREATE TABLE inbox_counts (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  unread  INTEGER NOT NULL
);
INSERT INTO inbox_counts(user_id, unread) SELECT user_id, COUNT(*) FROM notifications WHERE read_at IS NULL GROUP BY user_id;
-- Escalation's queue: when a case next needs the escalation runner (a step, a lapse, a relay deadline);
-- NULL when nothing is scheduled. 0 for the open cases of an older installation: looked at once, then scheduled.
ALTER TABLE cases ADD COLUMN due_at INTEGER;
UPDATE cases SET due_at = 0 WHERE status IN ('reported','acknowledged','in_handling','coordination_requested');
CREATE INDEX cases_due ON cases(due_at) WHERE due_at IS NOT NULL;
)sql", R"sql(
-- Full-text search over the case's number, site, description, suspected violation and identifiers,
-- without diacritics ("hai phong" finds "Hải Phòng"); đ is a letter of its own to Unicode, so it is
-- folded to d here (and in the query). Kept in step by triggers.
CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, content='cases', content_rowid='id',
                                          tokenize='unicode61 remove_diacritics 2');
INSERT INTO cases_fts(rowid, search_text) SELECT id, replace(replace(search_text, 'đ', 'd'), 'Đ', 'D') FROM cases;
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, replace(replace(new.search_text, 'đ', 'd'), 'Đ', 'D'));
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN
  INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, replace(replace(old.search_text, 'đ', 'd'), 'Đ', 'D'));
  INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, replace(replace(new.search_text, 'đ', 'd'), 'Đ', 'D'));
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
  INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, replace(replace(old.search_text, 'đ', 'd'), 'Đ', 'D'));
END;
)sql", R"sql(
-- The same search on PostgreSQL: the text folded (no diacritics, đ as d, lower case) in a generated column
-- with a trigram index, which serves LIKE '%word%' for each word asked (supervision/cases.cpp).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE FUNCTION wf_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $wf$ SELECT lower(unaccent('unaccent'::regdictionary, replace(replace(t, 'đ', 'd'), 'Đ', 'D'))) $wf$;
ALTER TABLE cases ADD COLUMN search_fold TEXT GENERATED ALWAYS AS (wf_fold(search_text)) STORED;
CREATE INDEX cases_search_fold ON cases USING gin (search_fold gin_trgm_ops);
)sql"},
    {14, "signed checkpoints of the audit log", R"sql(
-- The newest entry's sequence number and hash, signed with the installation's Ed25519 key
-- (docs/formats.md §14). Append-only, like the log.
CREATE TABLE audit_checkpoints (
  seq        INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  head_hash  TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature  TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
)sql"},
    {15, "data sharing: working relationships, data requests, grants (Art. 16.3)", R"sql(
-- Quan hệ phối hợp công tác: the basis on which one unit's data is shared with another (Art. 16.3).
-- unit_id operates the data (its subtree's cameras); partner_unit_id receives it (inside customs or an
-- outside agency). Coverage: data types, the units whose cameras it covers (JSON array; [] = unit_id's
-- subtree), whether downloads are allowed. Dates are calendar dates (YYYY-MM-DD) in the unit's zone.
CREATE TABLE working_relationships (
  id              INTEGER PRIMARY KEY,
  unit_id         INTEGER NOT NULL REFERENCES units(id),
  partner_unit_id INTEGER NOT NULL REFERENCES units(id),
  basis_kind      TEXT NOT NULL,
  basis_number    TEXT NOT NULL,
  basis_date      TEXT NOT NULL,
  basis_title     TEXT NOT NULL,
  data_types      TEXT NOT NULL,
  unit_ids        TEXT NOT NULL,
  download        INTEGER NOT NULL,
  valid_from      TEXT NOT NULL,
  valid_to        TEXT,
  note            TEXT NOT NULL DEFAULT '',
  ended_at        INTEGER,
  ended_by        INTEGER REFERENCES users(id),
  end_reason      TEXT,
  created_at      INTEGER NOT NULL,
  created_by      INTEGER NOT NULL REFERENCES users(id),
  updated_at      INTEGER NOT NULL
);

-- Yêu cầu khai thác dữ liệu. camera_ids and data_types are JSON arrays; routing is the decision rule's
-- answer at submission (sharing/decision.h), kept as JSON with its explanation.
CREATE TABLE data_requests (
  id                INTEGER PRIMARY KEY,
  number            TEXT NOT NULL UNIQUE,
  status            TEXT NOT NULL,
  requester_id      INTEGER NOT NULL REFERENCES users(id),
  requester_unit_id INTEGER NOT NULL REFERENCES units(id),
  purpose           TEXT NOT NULL,
  reference         TEXT NOT NULL,
  case_id           INTEGER REFERENCES cases(id),
  data_types        TEXT NOT NULL,
  camera_ids        TEXT NOT NULL,
  from_ms           INTEGER,
  to_ms             INTEGER,
  mode              TEXT NOT NULL,
  access_days       INTEGER NOT NULL,
  route             TEXT NOT NULL,
  operating_unit_id INTEGER NOT NULL REFERENCES units(id),
  decider_unit_id   INTEGER NOT NULL REFERENCES units(id),
  focal_unit_id     INTEGER REFERENCES units(id),
  relationship_id   INTEGER REFERENCES working_relationships(id),
  routing           TEXT NOT NULL,
  decision          TEXT,
  decided_by        INTEGER REFERENCES users(id),
  decided_at        INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX data_requests_requester ON data_requests(requester_id, id);
CREATE INDEX data_requests_unit ON data_requests(requester_unit_id, id);
CREATE INDEX data_requests_open ON data_requests(status) WHERE status IN ('at_focal_point', 'pending', 'info_requested');

-- What happened to a request, in order: submitted, forwarded, info_requested, answered, decided, withdrawn.
CREATE TABLE data_request_events (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES data_requests(id),
  at         INTEGER NOT NULL,
  by_user    INTEGER NOT NULL REFERENCES users(id),
  action     TEXT NOT NULL,
  text       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX data_request_events_request ON data_request_events(request_id, id);

-- Quyền khai thác: what an approved request gives its requester, enforced by the permission policy.
CREATE TABLE data_grants (
  id             INTEGER PRIMARY KEY,
  request_id     INTEGER NOT NULL UNIQUE REFERENCES data_requests(id),
  user_id        INTEGER NOT NULL REFERENCES users(id),
  unit_id        INTEGER NOT NULL REFERENCES units(id),
  camera_ids     TEXT NOT NULL,
  data_types     TEXT NOT NULL,
  mode           TEXT NOT NULL,
  from_ms        INTEGER,
  to_ms          INTEGER,
  starts_at      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  revoked_at     INTEGER,
  revoked_by     INTEGER REFERENCES users(id),
  revoke_reason  TEXT,
  issued_by      INTEGER NOT NULL REFERENCES users(id),
  decider_unit_id INTEGER NOT NULL REFERENCES units(id),
  uses           INTEGER NOT NULL DEFAULT 0
);
-- Read with every request of its holder (the policy sees the grants in force and the recently lapsed ones).
CREATE INDEX data_grants_user ON data_grants(user_id, expires_at);

ALTER TABLE notifications ADD COLUMN data_request_id INTEGER REFERENCES data_requests(id);
)sql"},
    {16, "evidence on cases and signed evidence exports", R"sql(
-- A clip [from, to) or a still (at, the keyframe's time, its stored JPEG and SHA-256) of a camera attached
-- to a case; the hold it placed keeps the footage. Removal keeps the row (removed_at, by whom, why).
CREATE TABLE case_evidence (
  id            INTEGER PRIMARY KEY,
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  kind          TEXT NOT NULL CHECK (kind IN ('clip', 'snapshot')),
  camera_id     INTEGER NOT NULL REFERENCES cameras(id),
  from_ms       INTEGER,
  to_ms         INTEGER,
  at_ms         INTEGER,
  frame_ms      INTEGER,
  hold_id       INTEGER NOT NULL REFERENCES holds(id),
  note          TEXT NOT NULL DEFAULT '',
  file          TEXT,
  sha256        TEXT,
  bytes         INTEGER,
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  removed_at    INTEGER,
  removed_by    INTEGER REFERENCES users(id),
  remove_reason TEXT,
  CHECK ((kind = 'clip' AND to_ms > from_ms) OR (kind = 'snapshot' AND at_ms IS NOT NULL AND file IS NOT NULL))
);
CREATE INDEX case_evidence_case ON case_evidence(case_id);
-- Export jobs (docs/formats.md §15): the bundle is DATA/exports/{id}/bundle.zip; its download link is kept
-- as a hash, spent at its first use.
CREATE TABLE exports (
  id              INTEGER PRIMARY KEY,
  created_by      INTEGER NOT NULL REFERENCES users(id),
  created_at      INTEGER NOT NULL,
  unit_id         INTEGER NOT NULL REFERENCES units(id),
  camera_id       INTEGER REFERENCES cameras(id),
  case_id         INTEGER REFERENCES cases(id),
  grant_id        INTEGER,
  from_ms         INTEGER NOT NULL,
  to_ms           INTEGER NOT NULL,
  watermark       TEXT,
  state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  progress        INTEGER NOT NULL DEFAULT 0,
  error           TEXT,
  bytes           INTEGER,
  manifest_sha256 TEXT,
  finished_at     INTEGER,
  link_hash       TEXT,
  link_expires    INTEGER,
  link_used_at    INTEGER
);
CREATE INDEX exports_creator ON exports(created_by, id);
CREATE INDEX exports_unfinished ON exports(state) WHERE state IN ('queued', 'running');
)sql"},
    {17, "the order of a shift's members as a column (PostgreSQL has no rowid)", R"sql(
ALTER TABLE shift_members ADD COLUMN member_order INTEGER NOT NULL DEFAULT 0;
)sql", R"sql(
UPDATE shift_members SET member_order = rowid;
)sql"},
    {18, "the events of every server sharing a PostgreSQL store (events/cluster.h)", "", nullptr, R"sql(
CREATE TABLE cluster_events (
  seq         INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  topic       TEXT NOT NULL,
  unit_id     INTEGER,
  read_action INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  also_users  TEXT NOT NULL,
  only_user   INTEGER,
  from_camera INTEGER NOT NULL
);
CREATE INDEX cluster_events_at ON cluster_events(at_ms);
)sql"},
    {19, "sign-in throttling shared by the servers on a PostgreSQL store", R"sql(
-- SQLite: sign-in throttling lives in the server's memory (one server owns the file; auth/throttle.h).
)sql", nullptr, R"sql(
-- Sign-in throttling (auth/throttle.h) shared by every API server on the store. Times are wall time (ms); a row
-- whose last_ms is past the forget time (pairs, accounts) or the address window (addresses) counts for nothing
-- and is deleted as attempts come.
CREATE TABLE login_throttle_pairs (
  account  TEXT NOT NULL,
  address  TEXT NOT NULL,
  failures INTEGER NOT NULL,
  last_ms  INTEGER NOT NULL,
  PRIMARY KEY (account, address)
);
CREATE INDEX login_throttle_pairs_last ON login_throttle_pairs(last_ms);
-- Failed or refused attempts from an address, any account: their times, oldest first, at most the limit.
CREATE TABLE login_throttle_addresses (
  address TEXT PRIMARY KEY,
  stamps  BIGINT[] NOT NULL,
  last_ms INTEGER NOT NULL
);
CREATE INDEX login_throttle_addresses_last ON login_throttle_addresses(last_ms);
-- Failures on an account, from any address (the account-wide safety net).
CREATE TABLE login_throttle_accounts (
  account TEXT PRIMARY KEY,
  stamps  BIGINT[] NOT NULL,
  last_ms INTEGER NOT NULL
);
CREATE INDEX login_throttle_accounts_last ON login_throttle_accounts(last_ms);
)sql"},
    {20, "recorder nodes: machines with disks that record the cameras assigned to them (video/nodes.h)", R"sql(
-- A recorder node, registered by the administrator; its key is sealed with the installation's secret.key (the API
-- servers sign their requests to the node with it). last_seen_ms: its latest heart-beat; down_since_ms: set by the
-- leader when it found the node silent (and raised recorder.down), cleared when it is back.
CREATE TABLE recorder_nodes (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  address         TEXT NOT NULL,
  capacity        INTEGER NOT NULL,
  key_sealed      TEXT NOT NULL,
  standby_node_id INTEGER REFERENCES recorder_nodes(id),
  created_at      INTEGER NOT NULL,
  revoked_at      INTEGER,
  started_ms      INTEGER,
  last_seen_ms    INTEGER,
  down_since_ms   INTEGER,
  disk_total      INTEGER NOT NULL DEFAULT 0,
  disk_free       INTEGER NOT NULL DEFAULT 0,
  sample_dirs     TEXT NOT NULL DEFAULT '[]',
  version         TEXT NOT NULL DEFAULT '',
  -- The state of each camera it records, as its latest heart-beat said: {"camera id": video::CameraStatus JSON}.
  camera_states   TEXT NOT NULL DEFAULT '{}'
);
-- node_id: the node the administrator assigned the camera to (NULL: the API server's own recorder);
-- recording_node_id: the node recording it now (its standby while it is down).
ALTER TABLE cameras ADD COLUMN node_id INTEGER REFERENCES recorder_nodes(id);
ALTER TABLE cameras ADD COLUMN recording_node_id INTEGER REFERENCES recorder_nodes(id);
CREATE INDEX cameras_node ON cameras(node_id);
CREATE INDEX cameras_recording_node ON cameras(recording_node_id);
-- Each recorder (an API server's own, or a node) has its sample directory and its opens.
ALTER TABLE sample_dirs ADD COLUMN node_id INTEGER REFERENCES recorder_nodes(id);
ALTER TABLE recorder_opens ADD COLUMN sample_dir_id INTEGER REFERENCES sample_dirs(id);
UPDATE recorder_opens SET sample_dir_id = (SELECT id FROM sample_dirs WHERE label = 'default');
)sql", nullptr, R"sql(
-- Nodes on different machines may each use the same path for their sample directory.
ALTER TABLE sample_dirs DROP CONSTRAINT sample_dirs_path_key;
ALTER TABLE sample_dirs ADD CONSTRAINT sample_dirs_node_path UNIQUE (node_id, path);
)sql"},
    {21, "case search by words on PostgreSQL, as on SQLite", "", nullptr, R"sql(
-- The words of the folded text (letters and digits; anything else parts them, as FTS5's tokenizer does) with
-- their positions, in a GIN index: a word asked, or the beginning of one, is one lookup, where the trigrams of
-- a container number shared by a million others ("BGRU1…") were a million. Searched by supervision/cases.cpp.
CREATE FUNCTION wf_words(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $wf$ SELECT to_tsvector('simple'::regconfig, regexp_replace(wf_fold(t), '[^a-z0-9]+', ' ', 'g')) $wf$;
-- A word asked as a query: its parts in a row, the last perhaps only begun ("HP-CKKV1-2026-00" finds the numbers
-- it starts, as FTS5's prefix phrase); NULL when nothing in it is searchable.
CREATE FUNCTION wf_word_query(w text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $wf$ SELECT CASE WHEN p = '' THEN NULL ELSE to_tsquery('simple'::regconfig, replace(p, ' ', ' <-> ') || ':*') END
          FROM (SELECT btrim(regexp_replace(wf_fold(w), '[^a-z0-9]+', ' ', 'g')) AS p) x $wf$;
-- In a table of their own, as FTS5's: a case's row is written again at each step (status, deadlines), and each
-- new version of a row carrying the words wrote all their index entries anew; these change when the text does.
CREATE TABLE case_words (
  case_id BIGINT NOT NULL PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  words   tsvector NOT NULL
);
INSERT INTO case_words(case_id, words) SELECT id, wf_words(search_text) FROM cases;
CREATE INDEX case_words_words ON case_words USING gin (words);
CREATE FUNCTION cases_words_fn() RETURNS trigger LANGUAGE plpgsql AS $wf$
BEGIN
  INSERT INTO case_words(case_id, words) VALUES (NEW.id, wf_words(NEW.search_text))
    ON CONFLICT (case_id) DO UPDATE SET words = EXCLUDED.words;
  RETURN NULL;
END $wf$;
CREATE TRIGGER cases_words AFTER INSERT OR UPDATE OF search_text ON cases FOR EACH ROW EXECUTE FUNCTION cases_words_fn();
DROP INDEX cases_search_fold;
ALTER TABLE cases DROP COLUMN search_fold;
)sql"},
    {22, "the people routing reads, counted so that a server reads them again only when they changed", R"sql(
-- One row: a random number written again by every change to a person's name, unit or activity and to any grant
-- (supervision/directory.h keeps the people between cases while it stays the same). Random, not a count: a
-- change rolled back leaves no number that a later change could write again. Not copied by migrate-store.
CREATE TABLE directory_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO directory_version(id, version) VALUES (1, 0);
)sql", R"sql(
CREATE TRIGGER users_directory_insert AFTER INSERT ON users BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER users_directory_update AFTER UPDATE OF full_name, unit_id, active ON users
  BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER users_directory_delete AFTER DELETE ON users BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER role_grants_directory AFTER INSERT ON role_grants BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER role_grants_directory_update AFTER UPDATE ON role_grants BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER role_grants_directory_delete AFTER DELETE ON role_grants BEGIN UPDATE directory_version SET version = random(); END;
)sql", R"sql(
CREATE FUNCTION users_directory_fn() RETURNS trigger LANGUAGE plpgsql AS $wf$
BEGIN
  UPDATE directory_version SET version = (random() * 9e18)::bigint;
  RETURN NULL;
END $wf$;
CREATE FUNCTION role_grants_directory_fn() RETURNS trigger LANGUAGE plpgsql AS $wf$
BEGIN
  UPDATE directory_version SET version = (random() * 9e18)::bigint;
  RETURN NULL;
END $wf$;
CREATE TRIGGER users_directory AFTER INSERT OR DELETE OR UPDATE OF full_name, unit_id, active ON users
  FOR EACH STATEMENT EXECUTE FUNCTION users_directory_fn();
CREATE TRIGGER role_grants_directory AFTER INSERT OR UPDATE OR DELETE ON role_grants
  FOR EACH STATEMENT EXECUTE FUNCTION role_grants_directory_fn();
)sql"},
    {23, "the units routing reads, counted as the people are", "", R"sql(
-- directory_version (migration 22) is written again by any change to a unit or its designations as well.
CREATE TRIGGER units_directory_insert AFTER INSERT ON units BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER units_directory_update AFTER UPDATE ON units BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER units_directory_delete AFTER DELETE ON units BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER unit_designations_directory_insert AFTER INSERT ON unit_designations
  BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER unit_designations_directory_update AFTER UPDATE ON unit_designations
  BEGIN UPDATE directory_version SET version = random(); END;
CREATE TRIGGER unit_designations_directory_delete AFTER DELETE ON unit_designations
  BEGIN UPDATE directory_version SET version = random(); END;
)sql", R"sql(
-- directory_version (migration 22) is written again by any change to a unit or its designations as well.
CREATE FUNCTION units_directory_fn() RETURNS trigger LANGUAGE plpgsql AS $wf$
BEGIN
  UPDATE directory_version SET version = (random() * 9e18)::bigint;
  RETURN NULL;
END $wf$;
CREATE FUNCTION unit_designations_directory_fn() RETURNS trigger LANGUAGE plpgsql AS $wf$
BEGIN
  UPDATE directory_version SET version = (random() * 9e18)::bigint;
  RETURN NULL;
END $wf$;
CREATE TRIGGER units_directory AFTER INSERT OR UPDATE OR DELETE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION units_directory_fn();
CREATE TRIGGER unit_designations_directory AFTER INSERT OR UPDATE OR DELETE ON unit_designations
  FOR EACH STATEMENT EXECUTE FUNCTION unit_designations_directory_fn();
)sql"},
};

}  // namespace

int64_t schema_version(Db& db) {
  auto row = db.query_one("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations");
  return row ? row->i64("version") : 0;
}

int migrate(Db& db) {
  db.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL)");
  int applied = 0;
  for (const auto& m : kMigrations) {
    db.transaction([&] {
      if (m.version <= schema_version(db)) return;
      db.exec_script(m.sql);
      if (const char* only = db.dialect() == Dialect::postgres ? m.postgres_only : m.sqlite_only) db.exec_script(only);
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
      db.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
              {m.version, std::string(m.name), static_cast<int64_t>(now)});
      ++applied;
    });
  }
  return applied;
}

}  // namespace watchfloor::store
