#pragma once
// Signed checkpoints of the audit log (docs/formats.md §14): the sequence number and hash of the newest
// entry, the time, and the installation's Ed25519 signature over them. The hash chain alone shows a changed
// or removed entry in the middle; a checkpoint kept elsewhere (handed to another unit, downloaded by an
// auditor) also shows a removed tail: the log must still reach the checkpoint's entry with the same hash.
// Taken every `every_entries` entries and every `every_ms` while entries arrive; kept in the database,
// append-only like the log.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/signing.h"
#include "store/db.h"

namespace watchfloor::audit {

struct Checkpoint {
  int64_t seq = 0, at = 0;
  std::string head_hash, key_id, public_key, signature;
};

// The exact text that is signed.
std::string signed_text(const Checkpoint& c);
nlohmann::json to_json(const Checkpoint& c);
// A checkpoint file as written by to_json; nullopt when a field is missing or of the wrong type.
std::optional<Checkpoint> checkpoint_from_json(const nlohmann::json& j);

struct CheckpointCheck {
  bool ok = true;
  std::string reason_vi, reason_en;  // why not, when !ok
};

struct CheckpointOptions {
  int64_t every_entries = 1000;
  int64_t every_ms = 3'600'000;
};

class Checkpoints {
 public:
  Checkpoints(store::Db& db, const core::Clock& clock, AuditLog& log, const core::SigningKey& key,
              CheckpointOptions opt = {})
      : db_(db), clock_(clock), log_(log), key_(key), opt_(opt) {}
  // Signs the head of the log when `every_entries` entries were appended since the last checkpoint, or
  // when `every_ms` has passed and any entry was; the new checkpoint, or nullopt when none was due.
  std::optional<Checkpoint> take_if_due();
  // Signs the head now unless the newest checkpoint already covers it (then returns that one); nullopt
  // for an empty log.
  std::optional<Checkpoint> take();
  // The same asked by a person (to hand it to another unit): audited ("audit.checkpoint" at their unit), and
  // the checkpoint covers that entry too.
  Checkpoint take(int64_t reader_unit, const Actor& by);
  std::vector<Checkpoint> list(std::optional<int64_t> before_seq, int limit);  // newest first
  std::optional<Checkpoint> get(int64_t seq);
  // `c` against the log as it is: signed by this installation's key, and the log still holds entry
  // c.seq with hash c.head_hash (a log that ends before it was cut short).
  CheckpointCheck check(const Checkpoint& c);
  // The newest stored checkpoint against the log (ok when there is none).
  CheckpointCheck check_latest();
  const core::SigningKey& key() const { return key_; }

 private:
  Checkpoint sign(int64_t seq, const std::string& hash);
  store::Db& db_;
  const core::Clock& clock_;
  AuditLog& log_;
  const core::SigningKey& key_;
  CheckpointOptions opt_;
};

}  // namespace watchfloor::audit
