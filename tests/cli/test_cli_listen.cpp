// `hookctl listen` refuses, before binding anything, options that cannot work together or values
// that cannot work: exit 2 and one line that names the option.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cli_harness.hpp"

using testing::run;

namespace {

// Runs `listen ARGS` (never on a real port: every case fails before binding) and checks the exit
// code 2 and that stderr names `needle`.
void refused(const std::vector<std::string>& args, const std::string& needle) {
  std::vector<std::string> full{"listen", "--port", "1"};
  full.insert(full.end(), args.begin(), args.end());
  auto r = run(full);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(r.err.find("Could not convert") == std::string::npos);
}

} // namespace

TEST_CASE("cli: listen refuses options that would silently override each other") {
  refused({"--sequence", "500,200", "--fail-first", "2"}, "--sequence and --fail-first do not go together");
  refused({"--sequence", "500,200", "--fail-rate", "0.5"}, "--sequence and --fail-rate");
  refused({"--sequence", "500,200", "--status", "202"}, "--sequence and --status");
  refused({"--forward-to", "http://127.0.0.1:3000", "--status", "202"}, "--forward-to and --status");
  refused({"--no-capture", "--capture", "x.jsonl"}, "--capture and --no-capture");
}

TEST_CASE("cli: listen refuses bad values with a message naming the option") {
  refused({"--capture", ""}, "--capture needs a file name");
  refused({"--seed", "-1"}, "invalid --seed '-1'");
  refused({"--fail-rate", "abc"}, "invalid value 'abc' for --fail-rate");
  refused({"--fail-rate", "1.5"}, "--fail-rate");
  refused({"--sequence", "500,abc"}, "invalid --sequence");
  refused({"--public-key", "zz"}, "malformed Ed25519 public key");
  refused({"--provider", "discord", "--secret", "s"}, "discord verifies with --public-key");
  refused({"--provider", "standard", "--secret", "not!!base64"}, "--secret for standard");
  // The secret itself is never echoed.
  auto r = run({"listen", "--port", "1", "--provider", "standard", "--secret", "not!!base64"});
  CHECK(r.err.find("not!!base64") == std::string::npos);
}

TEST_CASE("cli: listen --respond FILE refuses unknown keys and bad statuses") {
  auto path = std::filesystem::temp_directory_path() / ("hookctl-respond-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(path);
    out << R"({"status": 202, "header": {"X": "y"}})";
  }
  refused({"--respond", "@" + path.string()}, "unknown key \"header\"");
  {
    std::ofstream out(path);
    out << R"({"status": 99})";
  }
  refused({"--respond", "@" + path.string()}, "status is not 100 to 599");
  {
    std::ofstream out(path);
    out << R"({"status": 202})";
  }
  refused({"--respond", "@" + path.string(), "--status", "200"}, "--respond and --status");
  std::filesystem::remove(path);
}
