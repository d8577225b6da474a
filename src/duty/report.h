#pragma once
// Collects one shift's records into the printable shift report, in the unit's time zone.
#include "duty/duty.h"
#include "duty/report_pdf.h"
#include "org/users.h"

namespace watchfloor::duty {

ShiftReport build_shift_report(Duty& duty, org::Units& units, org::Users& users, const Shift& shift);

// "dd/MM/yyyy HH:mm" in the zone.
std::string format_local(int64_t utc_ms, const std::string& time_zone, const char* format = "%d/%m/%Y %H:%M");

}  // namespace watchfloor::duty
