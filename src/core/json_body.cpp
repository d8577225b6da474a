#include "core/json_body.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/log.h"

namespace watchfloor::core {
namespace {
// Fields that hold a record's id ("id", "case_id") are positive by construction of the store.
bool is_id(std::string_view f) { return f == "id" || (f.size() > 3 && f.substr(f.size() - 3) == "_id"); }
}  // namespace

size_t json_depth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

nlohmann::json parse_json(std::string_view text) {
  // Copying, printing or comparing a value recurses once per level, so a deep enough body would
  // overflow the stack wherever it is touched later: refuse it before anything is built.
  if (json_depth(text) > kMaxJsonDepth)
    throw Problem(400, "malformed-json", "JSON nested too deeply", "JSON lồng nhau quá sâu",
                  fmt::format("Objects and arrays may be nested at most {} levels deep.", kMaxJsonDepth),
                  fmt::format("Đối tượng và mảng chỉ được lồng nhau tối đa {} cấp.", kMaxJsonDepth));
  // nlohmann's lexer takes a NUL byte for the end of the text and would read `{…}\0[anything]` as
  // its first part; JSON has no NUL outside strings and none raw inside them (found by fuzz_json).
  if (text.find('\0') != std::string_view::npos) throw Problem::malformed_json("NUL byte in the text");
  try {
    // nlohmann's lexer rejects ill-formed UTF-8 inside strings.
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // parse_error, or out_of_range for a number beyond double (1e400). The message quotes the
    // offending token, which may be a megabyte long: keep its head only.
    std::string why = e.what();
    if (auto pos = why.find("] "); pos != std::string::npos) why = why.substr(pos + 2);
    throw Problem::malformed_json(truncate_utf8(why, 200));
  }
}

JsonBody::JsonBody(const nlohmann::json& value, std::initializer_list<std::string_view> allowed, std::string prefix)
    : value_(&value), prefix_(std::move(prefix)) {
  if (!value.is_object()) {
    error(prefix_.empty() ? "body" : prefix_, "Phải là một đối tượng JSON", "Must be a JSON object");
    return;
  }
  for (const auto& [key, _] : value.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) error(path(key), "Trường không được chấp nhận", "Unknown field");
  }
}

JsonBody::JsonBody(JsonBody&& other) noexcept
    : owned_(std::move(other.owned_)), prefix_(std::move(other.prefix_)), errors_(std::move(other.errors_)) {
  value_ = other.value_ == &other.owned_ ? &owned_ : other.value_;
}

JsonBody JsonBody::parse(std::string_view text, std::initializer_list<std::string_view> allowed) {
  auto parsed = parse_json(text);
  JsonBody body(parsed, allowed);
  body.owned_ = std::move(parsed);
  body.value_ = &body.owned_;
  return body;
}

std::string JsonBody::path(std::string_view f) const {
  return prefix_.empty() ? std::string(f) : prefix_ + "." + std::string(f);
}

void JsonBody::error(std::string field_path, std::string message_vi, std::string message_en) {
  errors_.push_back({std::move(field_path), std::move(message_vi), std::move(message_en)});
}

void JsonBody::adopt(JsonBody& nested) {
  for (auto& e : nested.errors_) errors_.push_back(std::move(e));
  nested.errors_.clear();
}

bool JsonBody::has(std::string_view f) const { return raw(f) != nullptr; }

const nlohmann::json* JsonBody::raw(std::string_view f) const {
  if (!value_ || !value_->is_object()) return nullptr;
  auto it = value_->find(f);
  return it == value_->end() ? nullptr : &*it;
}

std::optional<std::string> JsonBody::string(std::string_view f, Need need, size_t max_chars) {
  const auto* v = raw(f);
  if (!v) {
    if (need == Need::required) error(path(f), "Trường bắt buộc", "Required field");
    return std::nullopt;
  }
  if (!v->is_string()) {
    error(path(f), "Phải là chuỗi ký tự", "Must be a string");
    return std::nullopt;
  }
  auto s = v->get<std::string>();
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;  // count UTF-8 code points
  if (need == Need::required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    error(path(f), "Không được để trống", "Must not be empty");
    return std::nullopt;
  }
  if (chars > max_chars) {
    error(path(f), fmt::format("Dài tối đa {} ký tự", max_chars), fmt::format("At most {} characters", max_chars));
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> JsonBody::integer(std::string_view f, Need need) {
  const auto* v = raw(f);
  if (!v) {
    if (need == Need::required) error(path(f), "Trường bắt buộc", "Required field");
    return std::nullopt;
  }
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))) {
    error(path(f), "Phải là số nguyên", "Must be an integer");
    return std::nullopt;
  }
  if (is_id(f) && v->get<int64_t>() <= 0) {
    error(path(f), "Phải là mã số dương", "Must be a positive id");
    return std::nullopt;
  }
  return v->get<int64_t>();
}

std::optional<bool> JsonBody::boolean(std::string_view f, Need need) {
  const auto* v = raw(f);
  if (!v) {
    if (need == Need::required) error(path(f), "Trường bắt buộc", "Required field");
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    error(path(f), "Phải là true hoặc false", "Must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::optional<int64_t>> JsonBody::nullable_integer(std::string_view f) {
  const auto* v = raw(f);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<int64_t>{};
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))) {
    error(path(f), "Phải là số nguyên hoặc null", "Must be an integer or null");
    return std::nullopt;
  }
  if (is_id(f) && v->get<int64_t>() <= 0) {
    error(path(f), "Phải là mã số dương hoặc null", "Must be a positive id or null");
    return std::nullopt;
  }
  return std::optional<int64_t>{v->get<int64_t>()};
}

void JsonBody::finish() {
  if (!errors_.empty()) throw Problem::validation(std::move(errors_));
}

}  // namespace watchfloor::core
