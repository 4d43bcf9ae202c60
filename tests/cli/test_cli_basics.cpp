#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using testing::run;

TEST_CASE("cli: --version names hookctl, OpenSSL and cpp-httplib") {
  auto r = run({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("hookctl "));
  CHECK(r.out.find("OpenSSL 3") != std::string::npos);
  CHECK(r.out.find("cpp-httplib 0.") != std::string::npos);
}

TEST_CASE("cli: --help exits 0 and lists the commands") {
  auto r = run({"--help"});
  CHECK(r.code == 0);
  for (auto cmd : {"providers", "sign", "verify", "keygen"}) CHECK(r.out.find(cmd) != std::string::npos);
  auto sub = run({"sign", "--help"});
  CHECK(sub.code == 0);
  CHECK(sub.out.find("--provider") != std::string::npos);
  CHECK(sub.out.find("HOOKCTL_SECRET") != std::string::npos);
}

TEST_CASE("cli: usage errors exit 2 with one error line and a hint") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"sign", "--provider", "github", "--secret", "s"},              // no --data
           {"sign", "--provider", "nope", "--secret", "s", "--data", "x"}, // unknown provider
           {"sign", "--bogus"},
           {"verify", "-p", "stripe", "--secret", "s", "--data", "x", "--tolerance", "soon"},
           {"verify", "-p", "stripe", "--secret", "s", "--data", "x", "-H", "no colon"},
           {"verify", "-p", "stripe", "--secret", "s", "--data", "@/nonexistent/body.json"},
           {"sign", "-p", "github", "--secret", "s", "--data", "x", "--format", "curl"},      // curl needs --url
           {"sign", "-p", "twilio", "--secret", "s", "--data", "x"},                          // twilio needs --url
           {"verify", "-p", "github", "--data", "x", "-H", "X-Hub-Signature-256: sha256=00"}, // no secret
           {"sign", "-p", "github", "--secret", "", "--data", "x"},                           // empty secret
       }) {
    auto joined = testing::command_line(args);
    CAPTURE(joined);
    auto r = run(args);
    CHECK(r.code == 2);
    CHECK(r.err.starts_with("hookctl: error: "));
    CHECK(r.out.empty());
    CHECK(testing::lines(r.err).size() <= 2);
  }
}

TEST_CASE("cli: providers lists every scheme, as a table and as JSON") {
  auto r = run({"providers"});
  CHECK(r.code == 0);
  CHECK(testing::lines(r.out).size() == 14); // header + 13
  auto j = run({"providers", "--json"});
  CHECK(j.code == 0);
  auto doc = nlohmann::json::parse(j.out);
  REQUIRE(doc["providers"].size() == 13);
  CHECK(doc["providers"][1]["name"] == "stripe");
  CHECK(doc["providers"][1]["tolerance_s"] == 300);
  CHECK(doc["providers"][1]["direction"] == "past");
  CHECK(doc["providers"][0]["tolerance_s"].is_null());
}

TEST_CASE("cli: an unknown option a small edit away from a real one gets a did-you-mean hint") {
  struct Typo {
    std::vector<std::string> args;
    std::string suggestion;
  };
  for (const auto& t : std::vector<Typo>{{{"send", "http://127.0.0.1:9/", "--provder", "github"}, "--provider"},
                                         {{"listen", "--prot", "8080"}, "--port"},
                                         {{"replay", "f.jsonl", "--dry-rn"}, "--dry-run"},
                                         {{"fuzz", "http://127.0.0.1:9/", "--familes", "payload"}, "--families"},
                                         {{"verify", "--capture", "f", "--verbos"}, "--verbose"}}) {
    CAPTURE(testing::command_line(t.args));
    auto r = run(t.args);
    CHECK(r.code == 2);
    CHECK(r.err.find("hint: did you mean " + t.suggestion + "?") != std::string::npos);
  }
  // Nothing close: the plain hint; a value that may be a secret is never repeated.
  auto far = run({"send", "http://127.0.0.1:9/", "--qqqqqqqqqq", "s3cr3tvalue"});
  CHECK(far.code == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
  CHECK(far.err.find("s3cr3tvalue") == std::string::npos);
}

TEST_CASE("cli colors: --color, --no-color, NO_COLOR, FORCE_COLOR, TERM=dumb and the terminal decide") {
  struct Setting {
    std::map<std::string, std::string> env;
    bool tty;
    std::vector<std::string> flags;
    bool colored;
  };
  const std::string esc = "\033[";
  for (const auto& s : std::vector<Setting>{
           {{}, false, {}, false},                     // a pipe: none
           {{}, true, {}, true},                       // a terminal: colors
           {{{"NO_COLOR", "1"}}, true, {}, false},     // NO_COLOR wins over the terminal
           {{{"NO_COLOR", ""}}, true, {}, true},       // ... when not empty
           {{{"TERM", "dumb"}}, true, {}, false},      // a dumb terminal
           {{{"FORCE_COLOR", "1"}}, false, {}, true},  // FORCE_COLOR off a terminal
           {{{"FORCE_COLOR", "0"}}, false, {}, false}, // ... but not 0
           {{{"FORCE_COLOR", "1"}}, false, {"--color", "never"}, false},
           {{{"FORCE_COLOR", "1"}}, false, {"--no-color"}, false},
           {{{"NO_COLOR", "1"}}, false, {"--color=always"}, true}, // the flag wins over the environment
           {{}, false, {"--color", "always"}, true}}) {
    for (bool parse_error : {true, false}) {
      std::ostringstream out, err;
      std::istringstream in;
      auto ctx = testing::test_context(out, err, in);
      ctx.stderr_tty = s.tty;
      ctx.stdout_tty = s.tty;
      auto env = s.env;
      ctx.getenv = [env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
      };
      std::vector<std::string> args = s.flags;
      // A parse error (an unknown option), and an error from the command itself (no such file).
      if (parse_error)
        args.insert(args.end(), {"verify", "--nope"});
      else
        args.insert(args.end(), {"verify", "--capture", "/nonexistent/capture.jsonl"});
      CAPTURE(testing::command_line(args));
      CAPTURE(s.tty);
      auto r = testing::run_with(ctx, out, err, args);
      CHECK(r.code == 2);
      CHECK((r.err.find(esc) != std::string::npos) == s.colored);
      CHECK(r.err.find("error:") != std::string::npos);
    }
  }
  CHECK(run({"--color", "sometimes", "providers"}).code == 2);
}

TEST_CASE("cli: --quiet leaves results on stdout and nothing else on stderr, for every command that succeeds") {
  const std::vector<std::vector<std::string>> runs = {
      {"providers"},
      {"sign", "-p", "github", "--secret", "abc", "--data", "x"},
      {"keygen", "-p", "standard"},
      {"catalog"},
      {"catalog", "github.push"},
      {"completion", "bash"},
      {"man", "sign"},
      {"config", "show"},
      {"config", "show", "send", "--json"},
  };
  for (const auto& args : runs) {
    CAPTURE(testing::command_line(args));
    auto loud = run(args);
    std::vector<std::string> quiet_args = args;
    quiet_args.emplace_back("--quiet"); // a global flag, after the command as well
    auto quiet = run(quiet_args);
    CHECK(quiet.code == 0);
    CHECK(quiet.err.empty());
    CHECK_FALSE(quiet.out.empty());
    // The results are the same lines (sign and keygen draw fresh ids and keys: compare line counts).
    CHECK(testing::lines(quiet.out).size() == testing::lines(loud.out).size());
  }
  // config show says which files it read, unless --quiet.
  CHECK(run({"config", "show"}).err.find("config files read: none") != std::string::npos);
}
