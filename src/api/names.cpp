#include "api/routes.h"
#include "org/names.h"

namespace watchfloor::api {

nlohmann::json with_names(Services& s, nlohmann::json j) { return org::with_names(s.users, s.units, std::move(j)); }

}  // namespace watchfloor::api
