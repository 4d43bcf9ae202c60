#pragma once
// `replay --compare`: a response got now against the response recorded at capture time (its status
// class, or with `--compare-body` its body, JSON-aware, minus `--ignore` paths), or against an
// `--expect-status` assertion; a mismatch carries a short human diff.

#include <optional>
#include <string>
#include <vector>

#include "hookctl/capture/record.hpp"

namespace hookctl::replay {

struct CompareOptions {
  bool body = false;                 // --compare-body: the bodies too
  std::vector<std::string> ignore;   // --ignore: dotted JSON paths left out of the body comparison
  std::vector<std::string> expected; // --expect-status: filters ("2xx", "202"); when set, replaces the recorded status
};

// The outcome for one event.
enum class Match {
  match,      // as recorded (or as expected)
  mismatch,   // different: `diff` says how
  unrecorded, // nothing recorded to compare with (and no --expect-status)
};

struct Comparison {
  Match match = Match::match;
  std::string diff; // one line: "status 200 (2xx) recorded, got 500 (5xx)", "body at data.amount: 100 -> 200"
};

// Compares what came back now (`status` 0 for no response, with `error`) with `recorded`.
Comparison compare(const std::optional<capture::RecordedResponse>& recorded, int status, const std::string& body,
                   const std::string& error, const CompareOptions& options);

// The first difference between two bodies: JSON documents compared as values (key order does not
// matter) without the `ignore` paths, anything else byte by byte; "" when they are the same.
std::string body_diff(const std::string& recorded, const std::string& got, const std::vector<std::string>& ignore);

} // namespace hookctl::replay
