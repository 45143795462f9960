#include "common.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <thread>

#include "base/strings.h"

namespace satrap::bench {
namespace {

std::mutex report_mutex;
int failed_checks = 0;

}  // namespace

Result<Options> Options::Parse(int argc, char** argv, int first) {
  Options options;
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, 2) != "--") return Status::Invalid("not a --flag: " + std::string(arg));
    arg.remove_prefix(2);
    size_t eq = arg.find('=');
    if (eq == std::string_view::npos) {
      options.values_[std::string(arg)] = "1";
    } else {
      options.values_[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    }
  }
  return options;
}

int64_t Options::Int(const std::string& name, int64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  std::optional<uint64_t> value = ParseUint64(it->second);
  return value ? static_cast<int64_t>(*value) : fallback;
}

std::string Options::Str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

void Latencies::Merge(const Latencies& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
}

double Latencies::PercentileMs(double p) const {
  if (samples_.empty()) return 0;
  std::vector<double> sorted = samples_;
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(rank), sorted.end());
  return sorted[rank] / 1000.0;
}

void Report::Result(const std::string& name, double value, const std::string& unit) {
  std::lock_guard<std::mutex> lock(report_mutex);
  printf("result %s %.6g %s\n", name.c_str(), value, unit.c_str());
  fflush(stdout);
}

void Report::Check(const std::string& name, bool ok, const std::string& detail) {
  std::lock_guard<std::mutex> lock(report_mutex);
  if (!ok) ++failed_checks;
  printf("check %s %s %s\n", name.c_str(), ok ? "ok" : "FAIL", detail.c_str());
  fflush(stdout);
}

void Report::Note(const std::string& text) {
  std::lock_guard<std::mutex> lock(report_mutex);
  printf("# %s\n", text.c_str());
  fflush(stdout);
}

void Report::Percentiles(const std::string& prefix, const Latencies& latencies) {
  Result(prefix + ".p50_ms", latencies.PercentileMs(50), "ms");
  Result(prefix + ".p99_ms", latencies.PercentileMs(99), "ms");
}

int Report::failures() {
  std::lock_guard<std::mutex> lock(report_mutex);
  return failed_checks;
}

Result<Target> Target::FromOptions(const Options& options) {
  Target target;
  if (!options.Has("imap")) return Status::Invalid("--imap=PORT is required");
  SATRAP_ASSIGN_OR_RETURN(target.imap, Endpoint::Parse(options.Str("imap", "")));
  if (options.Has("imaps")) {
    SATRAP_ASSIGN_OR_RETURN(target.imaps, Endpoint::Parse(options.Str("imaps", "")));
    target.has_imaps = true;
  }
  if (options.Has("pop3")) {
    SATRAP_ASSIGN_OR_RETURN(target.pop3, Endpoint::Parse(options.Str("pop3", "")));
    target.has_pop3 = true;
  }
  if (options.Has("lmtp")) {
    SATRAP_ASSIGN_OR_RETURN(target.lmtp, Endpoint::Parse(options.Str("lmtp", "")));
    target.has_lmtp = true;
  }
  target.users = static_cast<int>(options.Int("users", 100));
  target.password = options.Str("password", "");
  if (target.users < 1) return Status::Invalid("--users must be at least 1");
  return target;
}

std::string UserName(int number) {
  char buf[32];
  snprintf(buf, sizeof buf, "user%03d", number);
  return buf;
}

std::string UserAddress(int number) { return UserName(number) + "@localhost"; }

void WaitForHarness(const std::string& label) {
  {
    std::lock_guard<std::mutex> lock(report_mutex);
    printf("ready %s\n", label.c_str());
    fflush(stdout);
  }
  std::string line;
  std::getline(std::cin, line);
}

void RunThreads(int threads, const std::function<void(int)>& fn) {
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) pool.emplace_back(fn, i);
  for (std::thread& t : pool) t.join();
}

}  // namespace satrap::bench
