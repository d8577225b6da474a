#pragma once
// Organisation files: the shipped presets (presets/org-2017.json, presets/org-2025.json) and the
// `org import` / `org export` format. Units refer to each other by code, so a file moves between
// installations.
#include <nlohmann/json.hpp>

#include <string>

#include "audit/audit_log.h"
#include "org/units.h"

namespace watchfloor::org {

struct ImportResult {
  int created = 0;
  int updated = 0;
};

// Creates units that are new and updates those whose code exists, as one unit of work; designations
// are applied after every unit exists. Audited as a whole by `by`: one "org.import" entry naming the
// file (`name`, e.g. "org-2017.json"), its preset and how many units were created and updated.
// Throws core::Problem with fields like "units[3].parent", and nothing changes.
ImportResult import_org(Units& units, const nlohmann::json& doc, const std::string& name, const audit::Actor& by);
nlohmann::json export_org(Units& units);

}  // namespace watchfloor::org
