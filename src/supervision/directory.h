#pragma once
// The snapshot of the organisation, the people and the shifts on duty that routing reads (routing.h), for the
// modules that route by the same rules (data sharing decides through the same leaderships and focal point).
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "duty/duty.h"
#include "org/units.h"
#include "store/db.h"
#include "supervision/routing.h"

namespace watchfloor::supervision {

// One per installation, shared by the classes that route. The units, the active people and their grants are kept
// between reads and read again only when one of them changed: the store counts those changes itself
// (directory_version, kept by triggers on users and role_grants, migration 22, and on units and their designations,
// migration 23), so a change made by another server sharing the store, or by hand, is seen at the next read. A case
// routed at a national centre read every one of its 2,000 people and their grants and every unit; now one row. The
// shifts on duty are read at every read (two queries).
class DirectoryReader {
 public:
  DirectoryReader(store::Db& db, org::Units& units, duty::Duty& duty) : db_(db), units_(units), duty_(duty) {}
  DirectoryReader(const DirectoryReader&) = delete;
  DirectoryReader& operator=(const DirectoryReader&) = delete;
  // The organisation, active people and shifts on duty at `now`.
  Directory read(int64_t now);

 private:
  // The organisation and its people, read again only when the store's directory_version changed.
  struct Kept {
    int64_t version = 0;
    std::vector<org::Unit> units;
    std::shared_ptr<const std::vector<Person>> people;
  };
  std::shared_ptr<const Kept> kept();
  store::Db& db_;
  org::Units& units_;
  duty::Duty& duty_;
  std::mutex mu_;
  std::shared_ptr<const Kept> kept_;
};

}  // namespace watchfloor::supervision
