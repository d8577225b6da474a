#pragma once
// The Appendix V coordination request (phiếu đề nghị phối hợp) as printed: what coordination_pdf.h
// fills in, collected from the request, its case, the organisation and the people, headed, numbered
// and signed as duty/issuer.h says.
//
// - Issued by the unit that handles the case (the request's from unit, or the agency it belongs to),
//   under its parent, from its place, on the day the request was sent, in that unit's time zone.
// - Number: "Số: NN/PĐN-<unit code>", NN from the request's own series (a unit's requests of a year).
// - Signed by whoever sent it, with the authority and position their records give: "CỤC TRƯỞNG";
//   "KT. CỤC TRƯỞNG" / "PHÓ CỤC TRƯỞNG" for a deputy; "TL. CỤC TRƯỞNG" / their own title for anyone
//   else (duty::signature_lines).
// - Nơi nhận: "Như trên;" (the unit asked), the unit that detected the case when it is another one
//   ("để biết"), the head when someone else signs ("để báo cáo"), "Lưu: VT, <unit code>.".
#include "org/units.h"
#include "org/users.h"
#include "supervision/cases.h"
#include "supervision/coordination_pdf.h"

namespace watchfloor::supervision {

CoordinationForm build_coordination_form(Cases& cases, org::Units& units, org::Users& users,
                                         const CoordinationRequest& r);

}  // namespace watchfloor::supervision
