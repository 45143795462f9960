// Shared pieces of the load generator: options, latency statistics, the
// report printed for bench/run.py, and the servers under test.
//
// Output protocol (stdout, one item per line, parsed by run.py):
//   result <name> <value> <unit>     a measured figure
//   check <name> ok|FAIL <detail>    a correctness check of what was measured
//   ready <label>                    waiting on stdin (the harness measures
//                                    memory meanwhile, then sends a line)
// Anything else is commentary. The exit code is 0 when every check passed,
// 1 when one failed, 2 when the run could not be done.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "stream.h"

namespace satrap::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// --key=value flags; a bare --key means "1".
class Options {
 public:
  static Result<Options> Parse(int argc, char** argv, int first);
  int64_t Int(const std::string& name, int64_t fallback) const;
  std::string Str(const std::string& name, const std::string& fallback) const;
  bool Has(const std::string& name) const { return values_.count(name) > 0; }

 private:
  std::map<std::string, std::string> values_;
};

// Latency samples in microseconds, one recorder per thread, merged at the end.
class Latencies {
 public:
  void Add(double micros) { samples_.push_back(micros); }
  void AddSince(Clock::time_point start) {
    Add(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  void Merge(const Latencies& other);
  size_t count() const { return samples_.size(); }
  const std::vector<double>& micros() const { return samples_; }  // in the order added
  // The p-th percentile (0..100) in milliseconds; 0 with no samples.
  double PercentileMs(double p) const;

 private:
  std::vector<double> samples_;
};

// Thread-safe printing of results and checks; remembers failed checks.
class Report {
 public:
  static void Result(const std::string& name, double value, const std::string& unit);
  static void Check(const std::string& name, bool ok, const std::string& detail);
  static void Note(const std::string& text);
  // Prints "<prefix>.p50_ms" and "<prefix>.p99_ms".
  static void Percentiles(const std::string& prefix, const Latencies& latencies);
  static int failures();
};

// The servers under test and the users they share.
struct Target {
  Endpoint imap, imaps, pop3, lmtp;
  bool has_imaps = false, has_pop3 = false, has_lmtp = false;
  int users = 100;
  std::string password;
  static Result<Target> FromOptions(const Options& options);
};

std::string UserName(int number);  // 1 -> "user001"
// The address LMTP delivers to for user `number`.
std::string UserAddress(int number);

// Blocks until the harness writes a line on stdin, after printing "ready".
void WaitForHarness(const std::string& label);

// Runs fn(i) on `threads` threads, i = 0..threads-1, and joins them.
void RunThreads(int threads, const std::function<void(int)>& fn);

}  // namespace satrap::bench
