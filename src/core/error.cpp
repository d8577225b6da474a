#include "core/error.h"

#include <fmt/format.h>

namespace watchfloor::core {

Problem::Problem(int status, std::string slug, std::string title_en, std::string title_vi, std::string detail_en,
                 std::string detail_vi, std::vector<FieldError> errors)
    : std::runtime_error(title_en + (detail_en.empty() ? "" : ": " + detail_en)),
      status_(status),
      slug_(std::move(slug)),
      title_en_(std::move(title_en)),
      title_vi_(std::move(title_vi)),
      detail_en_(std::move(detail_en)),
      detail_vi_(std::move(detail_vi)),
      errors_(std::move(errors)) {
  if (detail_en_.empty()) detail_en_ = title_en_;
  if (detail_vi_.empty()) detail_vi_ = title_vi_;
}

nlohmann::json Problem::to_json() const {
  nlohmann::json j = {{"type", "urn:watchfloor:problem:" + slug_},
                      {"title", title_en_},
                      {"title_vi", title_vi_},
                      {"status", status_},
                      {"detail", detail_en_},
                      {"detail_vi", detail_vi_}};
  if (!errors_.empty()) {
    auto& arr = j["errors"] = nlohmann::json::array();
    for (const auto& e : errors_)
      arr.push_back({{"field", e.field}, {"message_vi", e.message_vi}, {"message_en", e.message_en}});
  }
  return j;
}

Problem Problem::validation(std::vector<FieldError> errors) {
  std::string fields;
  for (size_t i = 0; i < errors.size(); ++i) {
    bool seen = false;
    for (size_t j = 0; j < i; ++j) seen = seen || errors[j].field == errors[i].field;
    if (!seen) fields += (fields.empty() ? "" : ", ") + errors[i].field;
  }
  std::string en = "The request has invalid fields: " + fields, vi = "Yêu cầu có trường không hợp lệ: " + fields;
  return Problem(400, "validation", "Invalid request", "Yêu cầu không hợp lệ", en, vi, std::move(errors));
}

Problem Problem::field(std::string field, std::string message_vi, std::string message_en) {
  return validation({FieldError{std::move(field), std::move(message_vi), std::move(message_en)}});
}

Problem Problem::malformed_json(const std::string& why) {
  return Problem(400, "malformed-json", "Malformed JSON", "JSON không đúng cú pháp",
                 "The request body is not valid JSON (UTF-8): " + why,
                 "Nội dung yêu cầu không phải JSON (UTF-8) hợp lệ: " + why);
}

Problem Problem::unauthenticated() {
  return Problem(401, "unauthenticated", "Authentication required", "Cần đăng nhập",
                 "Log in to continue; the session is missing or has expired.",
                 "Vui lòng đăng nhập; phiên làm việc không có hoặc đã hết hạn.");
}

Problem Problem::forbidden() {
  return Problem(403, "forbidden", "Forbidden", "Không có quyền",
                 "Your roles do not allow this action on this unit.",
                 "Vai trò của bạn không cho phép thao tác này đối với đơn vị này.");
}

Problem Problem::not_found(const std::string& what_en, const std::string& what_vi) {
  return Problem(404, "not-found", "Not found", "Không tìm thấy", what_en + " does not exist.",
                 what_vi + " không tồn tại.");
}

Problem Problem::conflict(std::string detail_en, std::string detail_vi) {
  return Problem(409, "conflict", "Conflict", "Xung đột dữ liệu", std::move(detail_en), std::move(detail_vi));
}

Problem Problem::payload_too_large(size_t limit) {
  return Problem(413, "payload-too-large", "Payload too large", "Nội dung quá lớn",
                 fmt::format("The request body exceeds {} bytes.", limit),
                 fmt::format("Nội dung yêu cầu vượt quá {} byte.", limit));
}

Problem Problem::headers_too_large() {
  return Problem(431, "headers-too-large", "Request header fields too large", "Phần đầu yêu cầu quá lớn");
}

Problem Problem::overloaded() {
  return Problem(503, "overloaded", "Server busy", "Máy chủ đang quá tải",
                 "Too many open connections; try again shortly.", "Quá nhiều kết nối; vui lòng thử lại sau ít phút.");
}

Problem Problem::too_many_connections(int retry_after_s) {
  Problem p(429, "too-many-connections", "Too many connections", "Quá nhiều kết nối",
            fmt::format("This address has too many open connections; try again in {} seconds.", retry_after_s),
            fmt::format("Địa chỉ này đang mở quá nhiều kết nối; vui lòng thử lại sau {} giây.", retry_after_s));
  p.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return p;
}

Problem Problem::throttled(int retry_after_s) {
  Problem p(429, "throttled", "Too many attempts", "Quá nhiều lần thử",
            fmt::format("Too many failed logins; try again in {} seconds.", retry_after_s),
            fmt::format("Đăng nhập sai quá nhiều lần; vui lòng thử lại sau {} giây.", retry_after_s));
  p.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return p;
}

Problem Problem::method_not_allowed() {
  return Problem(405, "method-not-allowed", "Method not allowed", "Phương thức không được hỗ trợ");
}

Problem Problem::internal() {
  return Problem(500, "internal", "Internal error", "Lỗi hệ thống",
                 "The server failed; the error has been logged.", "Máy chủ gặp lỗi; lỗi đã được ghi lại.");
}

}  // namespace watchfloor::core
