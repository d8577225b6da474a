#pragma once
// The bit reader of our H.264 and H.265 parameter set parsers (h264.cpp, h265.cpp). Internal to the
// video module.
#include <cstdint>
#include <string>
#include <string_view>

namespace watchfloor::video::detail {

// Bits of an RBSP (emulation prevention bytes removed), read MSB first. Reading past the end sets
// `bad` and yields zeros, so a parser checks once at the end.
class Bits {
 public:
  explicit Bits(std::string_view nal) {
    rbsp_.reserve(nal.size());
    int zeros = 0;
    for (char c : nal) {
      if (zeros >= 2 && c == 3) {  // 00 00 03: emulation prevention, not data
        zeros = 0;
        continue;
      }
      zeros = c == 0 ? zeros + 1 : 0;
      rbsp_.push_back(c);
    }
  }
  uint32_t u(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 1) | bit();
    return v;
  }
  void skip(size_t n) {
    for (size_t i = 0; i < n && !bad; ++i) bit();
  }
  uint32_t ue() {
    int zeros = 0;
    while (!bit()) {
      if (++zeros > 31 || bad) {
        bad = true;
        return 0;
      }
    }
    return zeros ? ((1u << zeros) - 1 + u(zeros)) : 0;
  }
  int32_t se() {
    uint32_t k = ue();
    return k & 1 ? int32_t((k + 1) / 2) : -int32_t(k / 2);
  }
  const std::string& rbsp() const { return rbsp_; }
  bool bad = false;

 private:
  uint32_t bit() {
    if (pos_ >= rbsp_.size() * 8) {
      bad = true;
      return 0;
    }
    uint32_t b = (uint8_t(rbsp_[pos_ / 8]) >> (7 - pos_ % 8)) & 1;
    ++pos_;
    return b;
  }
  std::string rbsp_;
  size_t pos_ = 0;
};

}  // namespace watchfloor::video::detail
