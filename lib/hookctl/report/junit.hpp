#pragma once
// JUnit XML for CI (`replay --junit`, `fuzz --junit`): one <testcase> per event or case, written as
// they come to a temporary file, so memory does not grow with the run, and wrapped in the
// <testsuite> head (which carries the counts) at the end.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "hookctl/util/result.hpp"

namespace hookctl::report {

// One test case.
struct JunitCase {
  std::string name;
  std::string classname;
  double seconds = 0;
  std::optional<std::string> failure; // the failure message (one line); nullopt when it passed
  std::string details;                // the failure's text body (or system-out when it passed)
  bool skipped = false;
};

// `text` with XML's special characters escaped and characters XML 1.0 cannot hold (controls other
// than tab and newline, invalid UTF-8) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

class JunitWriter {
public:
  // Prepares to write suite `suite` to `path`; Errc::environment when no temporary file can be made.
  static Result<std::unique_ptr<JunitWriter>> open(std::string path, std::string suite);
  ~JunitWriter();
  JunitWriter(const JunitWriter&) = delete;
  JunitWriter& operator=(const JunitWriter&) = delete;

  // Adds one case.
  void add(const JunitCase& c);
  // Writes the file (replacing it); Errc::environment naming the file when it cannot be written.
  Result<void> finish(double total_seconds);

private:
  JunitWriter(std::string path, std::string suite, std::FILE* cases);
  std::string m_path;
  std::string m_suite;
  std::FILE* m_cases;
  uint64_t m_tests = 0;
  uint64_t m_failures = 0;
  uint64_t m_skipped = 0;
};

} // namespace hookctl::report
