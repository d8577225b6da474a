#include "audit/checkpoints.h"

#include <fmt/format.h>

namespace watchfloor::audit {
namespace {

constexpr const char* kFormat = "watchfloor-audit-checkpoint/1";
constexpr const char* kColumns = "seq, at, head_hash, key_id, public_key, signature";

Checkpoint from_row(const store::Row& r) {
  return {r.i64("seq"), r.i64("at"), r.str("head_hash"), r.str("key_id"), r.str("public_key"), r.str("signature")};
}

CheckpointCheck refuse(std::string vi, std::string en) { return {false, std::move(vi), std::move(en)}; }

// The newest entry of the log: its seq and hash.
std::optional<store::Row> head_of(store::Db& db) { return db.query_one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"); }

}  // namespace

std::string signed_text(const Checkpoint& c) {
  return fmt::format("{}\nseq: {}\nhead: {}\nat: {}\n", kFormat, c.seq, c.head_hash, core::iso8601(c.at));
}

nlohmann::json to_json(const Checkpoint& c) {
  return {{"format", kFormat},        {"seq", c.seq},       {"head_hash", c.head_hash},
          {"at", core::iso8601(c.at)}, {"key_id", c.key_id}, {"public_key", c.public_key},
          {"signature", c.signature}};
}

std::optional<Checkpoint> checkpoint_from_json(const nlohmann::json& j) {
  if (!j.is_object() || j.value("format", "") != kFormat) return std::nullopt;
  for (const char* k : {"head_hash", "at", "public_key", "signature"})
    if (!j.contains(k) || !j[k].is_string()) return std::nullopt;
  if (!j.contains("seq") || !j["seq"].is_number_integer()) return std::nullopt;
  auto at = core::parse_iso8601(j["at"].get<std::string>());
  if (!at) return std::nullopt;
  Checkpoint c{j["seq"].get<int64_t>(), *at, j["head_hash"], "", j["public_key"], j["signature"]};
  c.key_id = core::key_id_of(c.public_key);
  return c;
}

Checkpoint Checkpoints::sign(int64_t seq, const std::string& hash) {
  Checkpoint c{seq, clock_.now_ms(), hash, key_.key_id(), key_.public_key(), ""};
  c.signature = key_.sign(signed_text(c));
  db_.exec(fmt::format("INSERT INTO audit_checkpoints({}) VALUES (?,?,?,?,?,?)", kColumns),
           {c.seq, c.at, c.head_hash, c.key_id, c.public_key, c.signature});
  return c;
}

std::optional<Checkpoint> Checkpoints::take_if_due() {
  std::optional<Checkpoint> made;
  db_.transaction([&] {
    auto head = head_of(db_);
    if (!head) return;
    auto last = db_.query_one("SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
    int64_t since = head->i64("seq") - (last ? last->i64("seq") : 0);
    // The first checkpoint's hour counts from the first entry.
    int64_t from = last ? last->i64("at") : db_.query_one("SELECT MIN(at) AS at FROM audit_log")->i64("at");
    if (since >= opt_.every_entries || (since > 0 && clock_.now_ms() - from >= opt_.every_ms))
      made = sign(head->i64("seq"), head->str("hash"));
  });
  return made;
}

std::optional<Checkpoint> Checkpoints::take() {
  std::optional<Checkpoint> out;
  db_.transaction([&] {
    auto head = head_of(db_);
    if (!head) return;
    if (auto c = get(head->i64("seq"))) out = c;
    else out = sign(head->i64("seq"), head->str("hash"));
  });
  return out;
}

Checkpoint Checkpoints::take(int64_t reader_unit, const Actor& by) {
  Checkpoint out;
  db_.transaction([&] {
    log_.append(by.event("audit.checkpoint", "audit_log", "*", reader_unit));
    out = *take();
  });
  return out;
}

std::vector<Checkpoint> Checkpoints::list(std::optional<int64_t> before_seq, int limit) {
  std::vector<Checkpoint> out;
  for (const auto& r : db_.query(fmt::format("SELECT {} FROM audit_checkpoints WHERE seq < ? ORDER BY seq DESC LIMIT ?", kColumns),
                                 {before_seq.value_or(INT64_MAX), int64_t{limit}}))
    out.push_back(from_row(r));
  return out;
}

std::optional<Checkpoint> Checkpoints::get(int64_t seq) {
  auto r = db_.query_one(fmt::format("SELECT {} FROM audit_checkpoints WHERE seq = ?", kColumns), {seq});
  if (!r) return std::nullopt;
  return from_row(*r);
}

CheckpointCheck Checkpoints::check(const Checkpoint& c) {
  if (!core::signature_valid(c.public_key, signed_text(c), c.signature))
    return refuse("Chữ ký của điểm kiểm tra không hợp lệ (tệp đã bị sửa hoặc không phải do hệ thống ký)",
                  "The checkpoint's signature is not valid (the file was changed or not signed by a watchfloor key)");
  if (c.public_key != key_.public_key())
    return refuse(fmt::format("Điểm kiểm tra được ký bằng khoá {} của hệ thống khác, không phải khoá {} của hệ thống này", c.key_id,
                              key_.key_id()),
                  fmt::format("The checkpoint was signed with key {} of another installation, not this one's {}", c.key_id,
                              key_.key_id()));
  auto entry = db_.query_one("SELECT hash FROM audit_log WHERE seq = ?", {c.seq});
  if (!entry) {
    auto head = db_.query_one("SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log");
    return refuse(fmt::format("Nhật ký bị cắt cụt: chỉ còn đến mục {}, điểm kiểm tra xác nhận đến mục {}", head->i64("seq"), c.seq),
                  fmt::format("The log was cut short: it ends at entry {}, the checkpoint covers entries up to {}", head->i64("seq"),
                              c.seq));
  }
  if (entry->str("hash") != c.head_hash)
    return refuse(fmt::format("Mục {} không còn như khi điểm kiểm tra được ký", c.seq),
                  fmt::format("Entry {} is not what it was when the checkpoint was signed", c.seq));
  return {};
}

CheckpointCheck Checkpoints::check_latest() {
  auto latest = list(std::nullopt, 1);
  return latest.empty() ? CheckpointCheck{} : check(latest.front());
}

}  // namespace watchfloor::audit
