#pragma once
// The records of data sharing (Art. 16.3): requests, their history and decisions, grants; and their JSON.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sharing/decision.h"

namespace watchfloor::sharing {

inline constexpr const char* kRequestStatuses[] = {"at_focal_point", "pending", "info_requested", "approved", "refused", "withdrawn"};
inline constexpr const char* kDecisions[] = {"approve", "approve_narrower", "ask_info", "refuse"};
inline constexpr const char* kGrantStatuses[] = {"active", "expired", "revoked"};

// What is asked for, or what a decision gives.
struct Scope {
  std::vector<std::string> data_types;
  std::vector<int64_t> camera_ids;
  std::optional<int64_t> from_ms, to_ms;  // recordings and snapshots
  std::string mode = "view";
  int64_t access_days = 0;
};

struct RequestInput {
  std::string purpose, reference;
  std::optional<int64_t> case_id;
  std::optional<std::string> case_number;  // the case by its number (outside agencies name it so)
  Scope scope;
};

struct RequestEvent {
  int64_t at = 0, by = 0;
  std::string action, text;
};

struct Decision {
  std::string decision, reasons;
  int64_t decided_by = 0, decided_at = 0;
  std::optional<Scope> scope;  // what an approval gives
};

struct DataRequest {
  int64_t id = 0;
  std::string number, status;
  int64_t requester_id = 0, requester_unit_id = 0;
  std::string purpose, reference;
  std::optional<int64_t> case_id;
  std::optional<std::string> case_number;
  Scope scope;
  SharingRoute routing;
  std::vector<RequestEvent> history;
  std::optional<Decision> decision;
  std::optional<int64_t> grant_id;
  int64_t created_at = 0, updated_at = 0;
};

struct GrantRecord {
  int64_t id = 0, request_id = 0, user_id = 0, unit_id = 0, decider_unit_id = 0, issued_by = 0;
  std::string request_number;
  std::optional<int64_t> case_id;  // with case data: the case the request named
  std::optional<std::string> case_number;
  Scope scope;
  int64_t starts_at = 0, expires_at = 0, uses = 0;
  std::optional<int64_t> revoked_at, revoked_by;
  std::optional<std::string> revoke_reason;
  std::string status(int64_t now) const;
};

nlohmann::json to_json(const Scope& s);
nlohmann::json to_json(const Relationship& r, const std::string& today);
nlohmann::json to_json(const SharingRoute& r);
SharingRoute route_from_json(const nlohmann::json& j);  // as stored with the request
nlohmann::json to_json(const DataRequest& r);
nlohmann::json to_json(const GrantRecord& g, int64_t now);

}  // namespace watchfloor::sharing
