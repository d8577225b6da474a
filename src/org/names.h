#pragma once
// People and units travel with their names so that the console shows people and units, not numbers.
#include <nlohmann/json.hpp>

#include "org/units.h"
#include "org/users.h"

namespace watchfloor::org {

// Adds "<field>_name" beside every field holding a user id ("full_name" and "username" beside
// "user_id") and "<prefix>unit_name"/"_name_en" beside every "<prefix>unit_id".
nlohmann::json with_names(Users& users, Units& units, nlohmann::json j);

}  // namespace watchfloor::org
