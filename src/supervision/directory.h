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

// One per installation, shared by the classes that route. The active people and their grants are kept between
// reads and read again only when a person or a grant changed: the store counts those changes itself
// (directory_version, kept by triggers on users and role_grants: migration 22), so a change made by another
// server sharing the store, or by hand, is seen at the next read. A case routed at a national centre read every
// one of its 2,000 people and their grants; now one row.
class DirectoryReader {
 public:
  DirectoryReader(store::Db& db, org::Units& units, duty::Duty& duty) : db_(db), units_(units), duty_(duty) {}
  DirectoryReader(const DirectoryReader&) = delete;
  DirectoryReader& operator=(const DirectoryReader&) = delete;
  // The organisation, active people and shifts on duty at `now`.
  Directory read(int64_t now);

 private:
  std::shared_ptr<const std::vector<Person>> people();
  store::Db& db_;
  org::Units& units_;
  duty::Duty& duty_;
  std::mutex mu_;
  int64_t version_ = 0;
  std::shared_ptr<const std::vector<Person>> people_;
};

}  // namespace watchfloor::supervision
