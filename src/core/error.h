#pragma once
// Errors that a user causes travel as a Problem (RFC 9457) from wherever they are found to the
// HTTP layer, which writes them as application/problem+json. Problem is the one exception that
// crosses module borders on purpose: it carries a user-facing answer, and throwing it guarantees
// the enclosing transaction rolls back, so "nothing is half-written" holds by construction.
// Anything else thrown is a bug and becomes a 500.
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace watchfloor::core {

struct FieldError {
  std::string field;
  std::string message_vi;
  std::string message_en;
};

class Problem : public std::runtime_error {
 public:
  Problem(int status, std::string slug, std::string title_en, std::string title_vi,
          std::string detail_en = {}, std::string detail_vi = {}, std::vector<FieldError> errors = {});

  int status() const { return status_; }
  const std::string& slug() const { return slug_; }
  const std::vector<FieldError>& errors() const { return errors_; }
  // Extra response headers, e.g. Retry-After.
  std::vector<std::pair<std::string, std::string>> headers;

  nlohmann::json to_json() const;

  static Problem validation(std::vector<FieldError> errors);
  static Problem field(std::string field, std::string message_vi, std::string message_en);
  static Problem malformed_json(const std::string& why);
  static Problem unauthenticated();
  static Problem forbidden();
  static Problem not_found(const std::string& what_en, const std::string& what_vi);
  static Problem conflict(std::string detail_en, std::string detail_vi);
  static Problem payload_too_large(size_t limit);
  static Problem headers_too_large();
  static Problem overloaded();
  static Problem throttled(int retry_after_s);
  // One address holds as many connections as it may (server.max_connections_per_ip).
  static Problem too_many_connections(int retry_after_s);
  static Problem method_not_allowed();
  static Problem internal();

 private:
  int status_;
  std::string slug_, title_en_, title_vi_, detail_en_, detail_vi_;
  std::vector<FieldError> errors_;
};

}  // namespace watchfloor::core
