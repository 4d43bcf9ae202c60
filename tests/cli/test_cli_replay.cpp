// `hookctl replay` in process, without a network: --list and its selection, --format curl and har
// (redaction), input errors with FILE:LINE, and the usage errors that come before any sending.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"
#include "hookctl/capture/record.hpp"

using testing::run;
using namespace hookctl;

namespace {

// A capture file of `n` records (seq 1..n) at a temporary path, removed on destruction.
struct CaptureFile {
  std::filesystem::path path;
  explicit CaptureFile(int n, const std::string& extra = "") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("hookctl-replay-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".jsonl");
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= n; ++i) {
      capture::Record r;
      r.seq = static_cast<uint64_t>(i);
      r.id = "01REC" + std::to_string(i);
      r.received_at = "2026-11-28T11:20:3" + std::to_string(i % 10) + ".000000Z";
      r.remote = "127.0.0.1:1";
      r.method = i % 2 ? "POST" : "PUT";
      r.path = "/hooks/" + std::to_string(i);
      r.headers.add("Host", "example.test");
      r.headers.add("Authorization", "Bearer sekrit");
      r.headers.add("Content-Type", "application/json");
      r.body = R"({"type":"t)" + std::to_string(i) + R"(","n":)" + std::to_string(i) + "}";
      r.response = capture::RecordedResponse{i == 2 ? 500 : 200, 1, {}, {}};
      out << capture::to_line(r);
    }
    out << extra;
  }
  ~CaptureFile() { std::filesystem::remove(path); }
  std::string name() const { return path.string(); }
};

} // namespace

TEST_CASE("cli: replay --list prints the selection; filters combine; --json gives capture records") {
  CaptureFile f(4);
  auto all = run({"replay", f.name(), "--list"});
  CHECK(all.code == 0);
  CHECK(all.out.find("seq") != std::string::npos);
  CHECK(all.out.find("/hooks/4") != std::string::npos);
  CHECK(all.err.find("4 event(s) selected") != std::string::npos);
  auto some = run({"replay", f.name(), "--list", "--json", "--method", "POST", "--status", "2xx"});
  CHECK(some.code == 0);
  CHECK(some.out.find("\"path\":\"/hooks/1\"") != std::string::npos);
  CHECK(some.out.find("\"path\":\"/hooks/3\"") != std::string::npos);
  CHECK(some.out.find("\"path\":\"/hooks/2\"") == std::string::npos);
  CHECK(some.out.find("\"path\":\"/hooks/4\"") == std::string::npos);
  auto where = run({"replay", f.name(), "--list", "--json", "--where", "body.n=3"});
  CHECK(where.out.find("\"seq\":3") != std::string::npos);
  CHECK(where.out.find("\"seq\":1,") == std::string::npos);
  auto limit = run({"replay", f.name(), "--list", "--json", "--limit", "2"});
  CHECK(limit.out.find("\"seq\":2") != std::string::npos);
  CHECK(limit.out.find("\"seq\":3") == std::string::npos);
  auto last = run({"replay", f.name(), "--list", "--json", "--last", "1"});
  CHECK(last.out.find("\"seq\":4") != std::string::npos);
  CHECK(last.out.find("\"seq\":3") == std::string::npos);
  auto since = run({"replay", f.name(), "--list", "--json", "--since", "2026-11-28T11:20:33Z"});
  CHECK(since.out.find("\"seq\":2") == std::string::npos);
  CHECK(since.out.find("\"seq\":3") != std::string::npos);
}

TEST_CASE("cli: replay --format curl and har redact sensitive headers unless --include-sensitive") {
  CaptureFile f(1);
  auto curl = run({"replay", f.name(), "--format", "curl", "--to", "http://127.0.0.1:9/base"});
  CHECK(curl.code == 0);
  CHECK(curl.out.find("curl") != std::string::npos);
  CHECK(curl.out.find("http://127.0.0.1:9/base/hooks/1") != std::string::npos);
  CHECK(curl.out.find("REDACTED") != std::string::npos);
  CHECK(curl.out.find("sekrit") == std::string::npos);
  CHECK(curl.out.find("--data-binary") != std::string::npos);
  auto kept = run({"replay", f.name(), "--format", "curl", "--include-sensitive"});
  CHECK(kept.out.find("Bearer sekrit") != std::string::npos);
  CHECK(kept.out.find("http://example.test/hooks/1") != std::string::npos);
  auto har = run({"replay", f.name(), "--format", "har"});
  CHECK(har.code == 0);
  auto doc = nlohmann::json::parse(har.out, nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  CHECK(doc["log"]["version"] == "1.2");
  CHECK(doc["log"]["entries"].size() == 1);
  CHECK(har.out.find("sekrit") == std::string::npos);
}

TEST_CASE("cli: replay input errors name the file and line; --skip-invalid goes on") {
  CaptureFile f(2, "{\"v\":1,\"seq\":\n");
  auto bad = run({"replay", f.name(), "--list"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find(f.name() + ":3: ") != std::string::npos);
  auto skip = run({"replay", f.name(), "--list", "--json", "--skip-invalid"});
  CHECK(skip.code == 0);
  CHECK(skip.out.find("\"seq\":2") != std::string::npos);
  CaptureFile v2(0, "{\"v\":2}\n");
  auto version = run({"replay", v2.name(), "--list", "--skip-invalid"});
  CHECK(version.code == 2);
  CHECK(version.err.find("unsupported capture version 2") != std::string::npos);
  auto missing = run({"replay", "/nonexistent/file.jsonl", "--list"});
  CHECK(missing.code == 2);
  auto stdin_run = run({"replay", "-", "--list", "--json"}, "");
  CHECK(stdin_run.code == 0);
}

TEST_CASE("cli: replay usage errors come before anything is sent") {
  CaptureFile f(1);
  auto code = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"replay", f.name()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(args);
    INFO(r.err);
    CHECK(r.err.find("hookctl: error:") != std::string::npos);
    return r.code;
  };
  CHECK(code({}) == 2); // neither --to nor --list
  CHECK(code({"--to", "http://a", "--to-exact", "http://b"}) == 2);
  CHECK(code({"--to", "ftp://a"}) == 2);
  CHECK(code({"--to", "http://a", "--new-ids"}) == 2);
  CHECK(code({"--to", "http://a", "--resign"}) == 2);      // --resign without --provider
  CHECK(code({"--to", "http://a", "--ignore", "x"}) == 2); // --ignore without --compare-body
  CHECK(code({"--to", "http://a", "--compare", "--expect-status", "2xx"}) == 2);
  CHECK(code({"--to", "http://a", "--rate", "5", "--preserve-timing"}) == 2);
  CHECK(code({"--to", "http://a", "--speed", "2"}) == 2);
  CHECK(code({"--to", "http://a", "--status", "6xx"}) == 2);
  CHECK(code({"--to", "http://a", "--where", "type=x"}) == 2);
  CHECK(code({"--to", "http://a", "--since", "yesterday"}) == 2);
  CHECK(code({"--list", "--compare"}) == 2);
  CHECK(code({"--list", "--format", "har"}) == 2);
  CHECK(code({"--format", "har", "--resign", "-p", "github", "--secret", "s"}) == 2); // a HAR keeps the capture
  CHECK(code({"--format", "har", "--set", "n=1"}) == 2);
  auto out = run({"replay", f.name(), "--format", "curl", "--to", "http://a", "--output", "x.jsonl"});
  CHECK(out.err.find("not with --format") != std::string::npos); // --to was given: --format is the conflict
}

TEST_CASE("cli: replay --format curl prints the request a replay would send: --set edits, --resign signs now") {
  CaptureFile f(1);
  auto plain = run({"replay", f.name(), "--format", "curl"});
  CHECK(plain.out.find("X-Hub-Signature-256") == std::string::npos);
  CHECK(plain.out.find(R"({"type":"t1","n":1})") != std::string::npos);
  auto edited = run({"replay", f.name(), "--format", "curl", "--set", "n=7"});
  CHECK(edited.code == 0);
  CHECK(edited.out.find(R"({"type":"t1","n":7})") != std::string::npos);
  auto resigned = run({"replay", f.name(), "--format", "curl", "--resign", "-p", "github", "--secret", "s3cret-value"});
  CHECK(resigned.code == 0);
  CHECK(resigned.out.find("X-Hub-Signature-256: sha256=") != std::string::npos);
  CHECK(resigned.out.find("http://example.test/hooks/1") != std::string::npos);
  auto bad = run({"replay", f.name(), "--format", "curl", "--set", "n"});
  CHECK(bad.code == 2);
}
