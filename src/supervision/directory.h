#pragma once
// The snapshot of the organisation, the people and the shifts on duty that routing reads (routing.h), for the
// modules that route by the same rules (data sharing decides through the same leaderships and focal point).
#include <cstdint>

#include "duty/duty.h"
#include "org/units.h"
#include "store/db.h"
#include "supervision/routing.h"

namespace watchfloor::supervision {

// The organisation, active people and shifts on duty at `now`.
Directory read_directory(store::Db& db, org::Units& units, duty::Duty& duty, int64_t now);

}  // namespace watchfloor::supervision
