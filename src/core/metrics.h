#pragma once
// A small Prometheus registry: counters and histograms keyed by a label string, gauges read on demand.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace watchfloor::core {

class Metrics {
 public:
  static Metrics& global();

  void inc(const std::string& name, const std::string& labels = {}, double by = 1);
  void observe(const std::string& name, const std::string& labels, double value);
  void gauge(const std::string& name, std::function<double()> read);
  void help(const std::string& name, const std::string& type, const std::string& text);
  std::string render() const;

 private:
  struct Histogram {
    std::vector<double> counts;  // one per bucket, cumulative at render time
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, double>> counters_;
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
  std::map<std::string, std::function<double()>> gauges_;
  std::map<std::string, std::pair<std::string, std::string>> help_;
};

// Escapes a label value and formats `key="value"`.
std::string label(const std::string& key, const std::string& value);

}  // namespace watchfloor::core
