#include "core/metrics.h"

#include <fmt/format.h>

namespace watchfloor::core {
namespace {
const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::string with_labels(const std::string& labels, const std::string& extra = {}) {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? "" : "{" + all + "}";
}
}  // namespace

Metrics& Metrics::global() {
  static Metrics m;
  return m;
}

std::string label(const std::string& key, const std::string& value) {
  std::string v;
  for (char c : value) {
    if (c == '\\' || c == '"') v += '\\';
    if (c == '\n') { v += "\\n"; continue; }
    v += c;
  }
  return key + "=\"" + v + "\"";
}

void Metrics::inc(const std::string& name, const std::string& labels, double by) {
  std::lock_guard lock(mu_);
  counters_[name][labels] += by;
}

void Metrics::observe(const std::string& name, const std::string& labels, double value) {
  std::lock_guard lock(mu_);
  auto& h = histograms_[name][labels];
  if (h.counts.empty()) h.counts.assign(kBuckets.size(), 0);
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (value <= kBuckets[i]) { h.counts[i] += 1; break; }
  h.sum += value;
  h.count += 1;
}

void Metrics::gauge(const std::string& name, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_[name] = std::move(read);
}

void Metrics::help(const std::string& name, const std::string& type, const std::string& text) {
  std::lock_guard lock(mu_);
  help_[name] = {type, text};
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  auto header = [&](const std::string& name, const char* fallback_type) {
    auto it = help_.find(name);
    if (it != help_.end()) out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, it->second.second, name, it->second.first);
    else out += fmt::format("# TYPE {} {}\n", name, fallback_type);
  };
  for (const auto& [name, series] : counters_) {
    header(name, "counter");
    for (const auto& [labels, v] : series) out += fmt::format("{}{} {}\n", name, with_labels(labels), v);
  }
  for (const auto& [name, series] : histograms_) {
    header(name, "histogram");
    for (const auto& [labels, h] : series) {
      double cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        out += fmt::format("{}_bucket{} {}\n", name, with_labels(labels, fmt::format("le=\"{}\"", kBuckets[i])), cumulative);
      }
      out += fmt::format("{}_bucket{} {}\n", name, with_labels(labels, "le=\"+Inf\""), h.count);
      out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, with_labels(labels), h.sum, name, with_labels(labels), h.count);
    }
  }
  for (const auto& [name, read] : gauges_) {
    header(name, "gauge");
    out += fmt::format("{} {}\n", name, read());
  }
  return out;
}

}  // namespace watchfloor::core
