#pragma once
// Collects one shift's records into the printable shift report (báo cáo ca trực), in the unit's time
// zone, headed, numbered and signed as issuer.h says.
//
// What a customs office writes, and why:
// - The report is the shift's account to the leadership of the unit whose duty watch it is; it is
//   issued in that unit's name (the agency above the watch, issuer_of) and addressed to its leadership
//   ("Kính gửi: Lãnh đạo Cục ...").
// - Title "BÁO CÁO", the period as its summary line (trích yếu), then the legal basis (kRegulation).
// - Number: "Số: N/BC-<unit code>", N the shift's place among the unit's shifts that end in the same
//   year. Printing again gives the same number, and reading the report spends no counter.
// - Date: the end of the shift, when the report is made at handover.
// - Signed by the shift's leader in that capacity, "LÃNH ĐẠO CA TRỰC": they answer for the shift to
//   the leadership and do not sign on the head's behalf, so no "KT." or "TL.". Without a shift leader,
//   the deputy leader of the shift signs (as routing lets them lead).
// - Nơi nhận: "Như trên;", the next shift (it takes over what is open), "Lưu: VT, <unit code>.".
#include "duty/duty.h"
#include "duty/report_pdf.h"
#include "org/users.h"

namespace watchfloor::duty {

ShiftReport build_shift_report(Duty& duty, org::Units& units, org::Users& users, const Shift& shift);

// "dd/MM/yyyy HH:mm" in the zone.
std::string format_local(int64_t utc_ms, const std::string& time_zone, const char* format = "%d/%m/%Y %H:%M");

}  // namespace watchfloor::duty
