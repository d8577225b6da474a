#pragma once
// Data requests (yêu cầu khai thác dữ liệu, Art. 16.3) and their decisions. A unit inside or outside customs asks;
// the decision rule (decision.h) names who decides; a request for headquarters leadership waits at the focal
// point, which forwards it; the decider approves (the whole, or a narrower scope), asks for more information, or
// refuses, always with reasons; an approval issues a grant (grants.h). Each step is one unit of work with its
// audit entry and the notifications it owes (the inbox).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/config.h"
#include "duty/duty.h"
#include "org/units.h"
#include "sharing/grants.h"
#include "sharing/records.h"
#include "sharing/relationships.h"
#include "store/db.h"
#include "supervision/directory.h"
#include "supervision/inbox.h"
#include "supervision/routing.h"
#include "video/catalog.h"

namespace watchfloor::sharing {

struct RequestQuery {
  std::string view = "mine";  // mine | to_decide | all
  int64_t user = 0, user_unit = 0;
  std::optional<std::vector<int64_t>> scope_units;  // view=all: requests of, or about, these subtrees (nullopt: every one)
  std::optional<std::string> status;
  std::optional<int64_t> before;
  int64_t limit = 100;
};

class Requests {
 public:
  Requests(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, org::Units& units, duty::Duty& duty, supervision::DirectoryReader& directory,
           supervision::Inbox& inbox, video::Catalog& catalog, Relationships& relationships, Grants& grants,
           const core::SharingConfig& limits)
      : db_(db), clock_(clock), audit_(audit), units_(units), duty_(duty), reader_(directory), inbox_(inbox), catalog_(catalog),
        relationships_(relationships), grants_(grants), limits_(limits) {}

  // 422 naming the field for what cannot be asked: unknown cameras, a data type not in the list, a range that is
  // missing, reversed, in the future or longer than the maximum, too many cameras, too long an access.
  DataRequest submit(const RequestInput& in, int64_t requester_unit, const audit::Actor& by);
  std::optional<DataRequest> get(int64_t id);
  // Newest first. For paging: the rows read and the id of the last one, before filtering by relation and scope.
  std::vector<DataRequest> list(const RequestQuery& q, size_t* scanned = nullptr, int64_t* last_id = nullptr);
  // What `user` is to the request now: "requester" (or of the requesting unit), "focal_point" while it waits
  // there, "decider" (the leadership that decides), or nullopt.
  std::optional<std::string> relation(const DataRequest& r, int64_t user);
  // The unit that operates a camera's data (decision.h), for a camera of `camera_unit`.
  int64_t operating_unit(int64_t camera_unit);
  // Whether `user` is of the leadership of `unit` (who decided a grant there may revoke it).
  bool leads(int64_t unit, int64_t user);
  // What `user` may do with it now: forward, decide, answer, withdraw.
  nlohmann::json can(const DataRequest& r, int64_t user);

  DataRequest forward(int64_t id, const std::string& note, const audit::Actor& by);
  DataRequest decide(int64_t id, const std::string& decision, const std::string& reasons, const std::optional<Scope>& narrower,
                     const audit::Actor& by);
  DataRequest answer(int64_t id, const std::string& text, const audit::Actor& by);
  DataRequest withdraw(int64_t id, const std::string& reason, const audit::Actor& by);

 private:
  void check_scope(const Scope& s, const char* prefix);
  // Who leads and who is the focal point, read at most once a second: a list of a hundred requests asks it for
  // each of them. Routing at submission reads its own, current one.
  std::shared_ptr<const supervision::Directory> directory();
  // The leadership of `unit`, or the focal point reporting to it (supervision/routing.h).
  std::vector<int64_t> people(int64_t unit, bool focal_point);
  std::vector<int64_t> deciders(const DataRequest& r);
  DataRequest load(int64_t id);  // 404 when unknown
  void record(int64_t id, int64_t by, const std::string& action, const std::string& text);
  void set_status(int64_t id, const std::string& status);

  store::Db& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  org::Units& units_;
  duty::Duty& duty_;
  supervision::DirectoryReader& reader_;
  supervision::Inbox& inbox_;
  video::Catalog& catalog_;
  Relationships& relationships_;
  Grants& grants_;
  const core::SharingConfig& limits_;
  std::mutex directory_mu_;
  std::shared_ptr<const supervision::Directory> directory_;
  int64_t directory_at_ = 0;
};

}  // namespace watchfloor::sharing
