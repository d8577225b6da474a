#pragma once
// Organisation files: the shipped presets (presets/org-2017.json, presets/org-2025.json) and the
// `org import` / `org export` format. Units refer to each other by code, so a file moves between
// installations.
#include <nlohmann/json.hpp>

#include "org/units.h"
#include "store/db.h"

namespace watchfloor::org {

struct ImportResult {
  int created = 0;
  int updated = 0;
};

// Creates units that are new and updates those whose code exists, in one transaction; designations
// are applied after every unit exists. Throws core::Problem with fields like "units[3].parent".
ImportResult import_org(store::Db& db, Units& units, const nlohmann::json& doc);
nlohmann::json export_org(Units& units);

}  // namespace watchfloor::org
