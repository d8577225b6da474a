#pragma once
// Strict reading of JSON request bodies: only known fields, exact types, every problem collected
// and reported at once as one validation Problem with field names.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace watchfloor::core {

enum class Need { optional, required };

// Every JSON text from outside (request bodies, WebSocket messages, files) is read through
// parse_json, which refuses nesting deeper than this before building anything.
inline constexpr size_t kMaxJsonDepth = 64;

// Parses text as JSON; throws a 400 Problem (malformed-json) on bad syntax, invalid UTF-8, a
// number beyond the range of double, or nesting deeper than kMaxJsonDepth.
nlohmann::json parse_json(std::string_view text);
// The deepest nesting of arrays and objects in text (brackets inside strings do not count).
size_t json_depth(std::string_view text);

class JsonBody {
 public:
  // `prefix` names nested objects in errors ("designations.leadership").
  JsonBody(const nlohmann::json& value, std::initializer_list<std::string_view> allowed, std::string prefix = {});
  static JsonBody parse(std::string_view text, std::initializer_list<std::string_view> allowed);
  // value_ may point into owned_, so a move must re-aim it and a copy is not offered.
  JsonBody(JsonBody&& other) noexcept;
  JsonBody(const JsonBody&) = delete;
  JsonBody& operator=(const JsonBody&) = delete;

  bool has(std::string_view f) const;
  std::optional<std::string> string(std::string_view f, Need need, size_t max_chars = 500);
  // Fields named "id" or "*_id" must also be positive.
  std::optional<int64_t> integer(std::string_view f, Need need);
  std::optional<bool> boolean(std::string_view f, Need need);
  // Present and null -> optional holding nullopt; absent -> nullopt.
  std::optional<std::optional<int64_t>> nullable_integer(std::string_view f);
  // The raw value when present (object/array fields are read by the caller).
  const nlohmann::json* raw(std::string_view f) const;

  std::string path(std::string_view f) const;
  void error(std::string field_path, std::string message_vi, std::string message_en);
  void adopt(JsonBody& nested);  // takes the nested body's errors
  bool ok() const { return errors_.empty(); }
  // Throws Problem::validation when anything was wrong.
  void finish();

 private:
  const nlohmann::json* value_ = nullptr;
  nlohmann::json owned_;
  std::string prefix_;
  std::vector<FieldError> errors_;
};

}  // namespace watchfloor::core
