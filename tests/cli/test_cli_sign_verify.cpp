#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using testing::run;

namespace {

constexpr const char* k_body = "{\"zen\":\"Keep it logically awesome.\"}";

// The headers of a `sign --format json` run as -H arguments.
std::vector<std::string> header_args(const std::string& sign_json) {
  std::vector<std::string> args;
  auto doc = nlohmann::json::parse(sign_json);
  for (auto& [name, value] : doc["headers"].items()) {
    args.push_back("-H");
    args.push_back(name + ": " + value.get<std::string>());
  }
  return args;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace

TEST_CASE("cli sign: GitHub's docs example as headers, JSON and curl") {
  auto r =
      run({"sign", "-p", "github", "--secret", "It's a Secret to Everybody", "--data", "Hello, World!", "--id", "abc"});
  REQUIRE(r.code == 0);
  CHECK(testing::lines(r.out)[0] ==
        "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  CHECK(r.out.find("X-GitHub-Delivery: abc") != std::string::npos);

  auto j = run({"sign", "-p", "github", "--secret", "x", "--data", "y", "--format", "json"});
  auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["provider"] == "github");
  CHECK(doc["headers"].contains("X-Hub-Signature-256"));
  CHECK(doc["timestamp"] == testing::k_now);

  auto c = run({"sign", "-p", "stripe", "--secret", "whsec_x", "--data", "it's", "--format", "curl", "--url",
                "http://127.0.0.1:9/hook"});
  REQUIRE(c.code == 0);
  CHECK(c.out.starts_with("curl -sS -X 'POST' 'http://127.0.0.1:9/hook' -H 'Stripe-Signature: t=1700000000,v1="));
  CHECK(c.out.find("--data-binary 'it'\\''s'") != std::string::npos);
  CHECK(c.out.find("Content-Type: application/x-www-form-urlencoded") != std::string::npos);
}

TEST_CASE("cli sign/verify: every provider round-trips through the command line") {
  struct Case {
    std::string provider;
    std::vector<std::string> sign_keys, verify_keys;
  };
  std::string seed = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
  std::string pub = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
  std::vector<Case> cases = {
      {"github", {"--secret", "sekrit"}, {"--secret", "sekrit"}},
      {"stripe", {"--secret", "whsec_abc"}, {"--secret", "other", "--secret", "whsec_abc"}},
      {"standard",
       {"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
       {"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}},
      {"svix",
       {"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
       {"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}},
      {"slack", {"--secret", "sekrit"}, {"--secret", "sekrit"}},
      {"shopify", {"--secret", "sekrit"}, {"--secret", "sekrit"}},
      {"twilio", {"--secret", "sekrit", "--url", "https://a.test/sms"}, {"--secret", "sekrit"}},
      {"discord", {"--private-key", seed}, {"--public-key", pub}},
      {"gitlab", {"--secret", "sekrit"}, {"--secret", "sekrit"}},
      {"twitch", {"--secret", "sekrit0123"}, {"--secret", "sekrit0123"}},
      {"square", {"--secret", "sekrit", "--url", "https://a.test/sq"}, {"--secret", "sekrit"}},
      {"paddle", {"--secret", "pdl_ntfset_x"}, {"--secret", "pdl_ntfset_x"}},
      {"hmac", {"--secret", "sekrit"}, {"--secret", "sekrit"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.provider);
    auto s = run(concat({"sign", "-p", c.provider, "--json", "--data", k_body}, c.sign_keys));
    REQUIRE(s.code == 0);
    auto doc = nlohmann::json::parse(s.out);
    std::vector<std::string> url;
    if (doc.contains("url")) url = {"--url", doc["url"].get<std::string>()};
    auto base = concat(concat({"verify", "-p", c.provider}, c.verify_keys), concat(header_args(s.out), url));
    auto ok = run(concat(base, {"--data", k_body}));
    CHECK(ok.code == 0);
    CHECK(ok.out.starts_with("valid: signature matches"));
    auto bad = run(concat(base, {"--data", std::string(k_body) + " ", "--json"}));
    if (c.provider == "gitlab") continue; // a token does not bind the body
    CHECK(bad.code == 1);
    auto verdict = nlohmann::json::parse(bad.out);
    CHECK(verdict["valid"] == false);
    CHECK(verdict["provider"] == c.provider);
    CHECK((verdict["code"] == "no_match" || verdict["code"] == "body_hash_mismatch"));
  }
}

TEST_CASE("cli verify: reasons on stderr, --now and --tolerance") {
  auto s = run({"sign", "-p", "stripe", "--secret", "whsec_k", "--data", k_body, "--timestamp", "1699999000"});
  REQUIRE(s.code == 0);
  std::string header = testing::lines(s.out)[0];
  auto stale = run({"verify", "-p", "stripe", "--secret", "whsec_k", "-H", header, "--data", k_body});
  CHECK(stale.code == 1);
  CHECK(stale.err.find("timestamp 1699999000 is 1000 s old, 700 s outside the 300 s window") != std::string::npos);
  auto then = run({"verify", "-p", "stripe", "--secret", "whsec_k", "-H", header, "--data", k_body, "--now",
                   "2023-11-14T21:56:40Z"});
  CHECK(then.code == 0);
  auto wide =
      run({"verify", "-p", "stripe", "--secret", "whsec_k", "-H", header, "--data", k_body, "--tolerance", "20m"});
  CHECK(wide.code == 0);
  auto off = run({"verify", "-p", "stripe", "--secret", "whsec_k", "-H", header, "--data", k_body, "--tolerance", "0"});
  CHECK(off.code == 0);
  auto missing = run({"verify", "-p", "stripe", "--secret", "whsec_k", "--data", k_body, "--json"});
  CHECK(missing.code == 1);
  CHECK(nlohmann::json::parse(missing.out)["code"] == "missing_header");
}

TEST_CASE("cli: body from stdin and files, secrets from a file and the environment") {
  auto dir = std::filesystem::temp_directory_path() / "hookctl-cli-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "body.bin", std::ios::binary) << std::string("a\0b", 3);
  std::ofstream(dir / "secrets") << "first\nsecond\n";
  auto from_file = run({"sign", "-p", "github", "--secret", "second", "--data", "@" + (dir / "body.bin").string()});
  auto from_stdin = run({"sign", "-p", "github", "--secret", "second", "--data", "@-"}, std::string("a\0b", 3));
  REQUIRE(from_file.code == 0);
  CHECK(from_file.out == from_stdin.out);
  auto header = testing::lines(from_file.out)[0];
  auto v = run({"verify", "-p", "github", "--secret-file", (dir / "secrets").string(), "-H", header, "--data",
                "@" + (dir / "body.bin").string()});
  CHECK(v.code == 0);
  CHECK(v.out.find("key 2 of 2") != std::string::npos);
  auto env = testing::run_env({"verify", "-p", "github", "-H", header, "--data", "@" + (dir / "body.bin").string()},
                              {{"HOOKCTL_SECRET", "second"}});
  CHECK(env.code == 0);
  auto curl = run({"sign", "-p", "github", "--secret", "second", "--data", "@-", "--format", "curl", "--url",
                   "http://127.0.0.1:1/"},
                  std::string("a\0b", 3));
  CHECK(curl.out.starts_with("printf '\\141\\000\\142' | curl"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli keygen: formats per provider, and generated keys work") {
  auto gh = run({"keygen", "-p", "github"});
  CHECK(gh.code == 0);
  CHECK(testing::lines(gh.out)[0].size() == 64);
  auto sw = run({"keygen", "-p", "standard", "--kind", "secret"});
  CHECK(sw.out.starts_with("whsec_"));
  auto kp = run({"keygen", "-p", "standard", "--json"});
  auto doc = nlohmann::json::parse(kp.out);
  std::string priv = doc["private_key"], pub = doc["public_key"];
  CHECK(priv.starts_with("whsk_"));
  CHECK(pub.starts_with("whpk_"));
  auto s = run({"sign", "-p", "standard", "--private-key", priv, "--data", k_body, "--json"});
  REQUIRE(s.code == 0);
  auto args = concat({"verify", "-p", "standard", "--public-key", pub, "--data", k_body}, header_args(s.out));
  CHECK(run(args).code == 0);
  auto dc = nlohmann::json::parse(run({"keygen", "-p", "discord", "--json"}).out);
  CHECK(dc["public_key"].get<std::string>().size() == 64);
  CHECK(run({"keygen", "-p", "github", "--kind", "keypair"}).code == 2);
  CHECK(run({"keygen", "-p", "discord", "--kind", "secret"}).code == 2);
  CHECK(run({"keygen", "-p", "stripe"}).out.starts_with("whsec_"));
  CHECK(run({"keygen", "-p", "paddle"}).out.starts_with("pdl_ntfset_"));
}

TEST_CASE("cli: no secret or private key appears in any output") {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string seed = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
  for (const auto& p :
       {"github", "stripe", "standard", "svix", "slack", "shopify", "twilio", "twitch", "square", "paddle", "hmac"}) {
    CAPTURE(p);
    for (const auto& format : {"headers", "json", "curl"}) {
      auto s =
          run({"sign", "-p", p, "--secret", secret, "--data", k_body, "--url", "https://a.test/", "--format", format});
      CHECK(s.code == 0);
      CHECK(s.out.find(secret) == std::string::npos);
      CHECK(s.err.find(secret) == std::string::npos);
    }
    auto v = run({"verify", "-p", p, "--secret", secret, "--data", k_body, "--url", "https://a.test/", "-H", "X: y"});
    CHECK(v.out.find(secret) == std::string::npos);
    CHECK(v.err.find(secret) == std::string::npos);
  }
  auto d =
      run({"sign", "-p", "discord", "--private-key", seed, "--data", k_body, "--format", "curl", "--url", "http://a/"});
  CHECK(d.code == 0);
  CHECK(d.out.find(seed) == std::string::npos);
  // Malformed keys are reported without echoing them.
  auto bad = run({"sign", "-p", "standard", "--secret", "whsec_not*base64*secret", "--data", "x"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("not*base64*secret") == std::string::npos);
  auto badkey = run({"sign", "-p", "discord", "--private-key", "deadbeef-private", "--data", "x"});
  CHECK(badkey.code == 2);
  CHECK(badkey.err.find("deadbeef-private") == std::string::npos);
}

TEST_CASE("cli: a secret in the wrong place is not echoed by parse or input errors") {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"verify", "-p", "stripe", secret, "-d", "x"},                        // --secret forgotten
           {"sign", "-p", "github", "--data", "x", secret},                      // trailing value
           {"sign", "-p", "github", "--secret-file", secret, "--data", "x"},     // secret given as the file
           {"verify", "-p", "github", "--secret", "s", "-d", "x", "-H", secret}, // secret given as a header
           {"verify", "-p", "github", "--secret", "s", "-d", "x", "--bogus=" + secret},
           {"sign", "-p", "github", "--secret", secret, "--data", "x", "--format", secret},
           {secret},
       }) {
    auto joined = testing::command_line(args);
    CAPTURE(joined);
    auto r = run(args);
    CHECK(r.code == 2);
    CHECK(r.err.starts_with("hookctl: error: "));
    CHECK(r.err.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2") == std::string::npos);
    CHECK(r.out.empty());
  }
  auto extra = run({"verify", "-p", "stripe", secret, "-d", "x"});
  CHECK(extra.err.find("1 unexpected value") != std::string::npos);
  auto flag = run({"verify", "-p", "github", "--secret", "s", "-d", "x", "--bogus=" + secret});
  CHECK(flag.err.find("unknown option --bogus") != std::string::npos);
}

TEST_CASE("cli: an unknown command is named, with a suggestion when one is close") {
  auto r = run({"sing", "-p", "github"});
  CHECK(r.code == 2);
  CHECK(r.err.find("unknown command 'sing'") != std::string::npos);
  CHECK(r.err.find("did you mean 'hookctl sign'?") != std::string::npos);
  auto far = run({"-q", "frobnicate"});
  CHECK(far.code == 2);
  CHECK(far.err.find("unknown command 'frobnicate'") != std::string::npos);
  CHECK(far.err.find("did you mean") == std::string::npos);
  auto none = run({});
  CHECK(none.err.starts_with("hookctl: error: no command given"));
  // A word not repeated back (capitals) still gets the suggestion, which names only the command.
  auto caps = run({"Send"});
  CHECK(caps.err == "hookctl: error: unknown command (not shown)\nhint: did you mean 'hookctl send'?\n");
  // Dashes alone before the word: a usage error, not an internal one.
  for (const char* dashes : {"-", "---"}) {
    auto d = run({dashes, "foo", "sign"});
    CHECK(d.code == 2);
    CHECK(d.err.find("internal error") == std::string::npos);
  }
}

TEST_CASE("cli: header values and ids with line breaks are refused; a trailing CR from a dump is dropped") {
  CHECK(run({"sign", "-p", "github", "--secret", "s", "-d", "x", "--id", "a\r\nEvil: 1"}).code == 2);
  CHECK(run({"sign", "-p", "github", "--secret", "s", "-d", "x", "-H", "A: b\nEvil: 1"}).code == 2);
  CHECK(run({"sign", "-p", "github", "--secret", "s", "-d", "x", "--url", "http://a/\r\n"}).code == 2);
  auto s = run({"sign", "-p", "github", "--secret", "s", "-d", "x", "--json"});
  REQUIRE(s.code == 0);
  auto sig = nlohmann::json::parse(s.out)["headers"]["X-Hub-Signature-256"].get<std::string>();
  auto v = run({"verify", "-p", "github", "--secret", "s", "-d", "x", "-H", "X-Hub-Signature-256: " + sig + "\r"});
  CHECK(v.code == 0);
}

TEST_CASE("cli: --json and --format exclude each other; a directory is not a body") {
  auto r =
      run({"sign", "-p", "github", "--secret", "s", "-d", "x", "--json", "--format", "curl", "--url", "http://a/"});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  auto dir =
      run({"verify", "-p", "github", "--secret", "s", "-d", "@" + std::string(HOOKCTL_SOURCE_DIR), "-H", "A: b"});
  CHECK(dir.code == 2);
  CHECK(dir.err.find("is a directory") != std::string::npos);
}

TEST_CASE("cli verify: a failed match says how many body bytes were checked and how they end") {
  auto r = run({"verify", "-p", "github", "--secret", "s", "-d", "{}\n", "-H",
                "X-Hub-Signature-256: sha256=" + std::string(64, '0')});
  CHECK(r.code == 1);
  CHECK(r.err.find("checked 3 body bytes, ending in a newline") != std::string::npos);
  auto quiet = run({"-q", "verify", "-p", "github", "--secret", "s", "-d", "{}", "-H",
                    "X-Hub-Signature-256: sha256=" + std::string(64, '0')});
  CHECK(quiet.code == 1);
  CHECK(testing::lines(quiet.err).size() == 1);
}

namespace {
// An ostream whose every write fails, as stdout does on a full disk.
struct FailingBuf : std::streambuf {
  int overflow(int) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};
} // namespace

TEST_CASE("cli: output that cannot be written is an environment error (exit 3), not success") {
  FailingBuf buf;
  std::ostream out(&buf);
  std::ostringstream err;
  std::istringstream in;
  auto ctx = testing::test_context(out, err, in);
  CHECK(hookctl::app::run_cli({"sign", "-p", "github", "--secret", "s", "-d", "x"}, ctx) == 3);
  CHECK(err.str().find("cannot write the output") != std::string::npos);
}

TEST_CASE("cli: verify --capture checks each record of a capture file as of when it was received") {
  // Two records signed by `sign` (one then tampered), written as `listen` would write them.
  auto signed_json = run({"sign", "-p", "github", "--secret", "s3", "--data", k_body, "--json"});
  REQUIRE(signed_json.code == 0);
  auto doc = nlohmann::json::parse(signed_json.out);
  auto record = [&](int seq, const std::string& id, const std::string& body) {
    nlohmann::ordered_json headers = nlohmann::ordered_json::array();
    headers.push_back({"Host", "127.0.0.1:8080"});
    for (auto& [name, value] : doc["headers"].items()) headers.push_back({name, value.get<std::string>()});
    nlohmann::ordered_json r = {{"v", 1},
                                {"seq", seq},
                                {"id", id},
                                {"received_at", "2026-11-28T11:20:37.123456Z"},
                                {"remote", "127.0.0.1:1"},
                                {"method", "POST"},
                                {"path", "/h"},
                                {"query", ""},
                                {"headers", headers},
                                {"body", body},
                                {"body_encoding", "utf8"},
                                {"verification", nullptr},
                                {"response", nullptr}};
    return r.dump() + "\n";
  };
  auto path = std::filesystem::temp_directory_path() / ("hookctl-verify-capture-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << record(1, "01AAAAAAAAAAAAAAAAAAAAAAAA", k_body) << record(2, "01BBBBBBBBBBBBBBBBBBBBBBBB", "{}");
  }
  auto all = run({"verify", "--capture", path.string(), "--secret", "s3"});
  CHECK(all.code == 1);
  CHECK(all.out.find("seq 1 01AAAAAAAAAAAAAAAAAAAAAAAA POST /h: valid (github)") != std::string::npos);
  CHECK(all.out.find("seq 2 01BBBBBBBBBBBBBBBBBBBBBBBB POST /h: invalid (github)") != std::string::npos);
  CHECK(all.err.find("2 record(s) checked, 1 invalid") != std::string::npos);
  CHECK(all.out.find("s3") == std::string::npos);

  auto one =
      run({"verify", "--capture", path.string(), "--secret", "s3", "--id", "01AAAAAAAAAAAAAAAAAAAAAAAA", "--json"});
  CHECK(one.code == 0);
  CHECK(one.out.find("\"valid\":true") != std::string::npos);
  auto missing = run({"verify", "--capture", path.string(), "--secret", "s3", "--id", "nope"});
  CHECK(missing.code == 2);
  {
    std::ofstream out(path, std::ios::app);
    out << "{not json\n";
  }
  auto broken = run({"verify", "--capture", path.string(), "--secret", "s3"});
  CHECK(broken.code == 2);
  CHECK(broken.err.find(":3: ") != std::string::npos);

  // A record whose provider needs a key kind not given (Discord: --public-key) is reported as not
  // checkable, and the records after it are still checked. A refused request (no body) is skipped.
  {
    std::ofstream out(path);
    auto discord = nlohmann::json::parse(record(1, "01CCCCCCCCCCCCCCCCCCCCCCCC", "{}"));
    discord["verification"] = {{"provider", "discord"}, {"valid", false}, {"reason", "x"}, {"code", "no_key"}};
    auto refused = nlohmann::json::parse(record(2, "01DDDDDDDDDDDDDDDDDDDDDDDD", ""));
    refused["refused"] = "the body is larger than 1024 bytes";
    out << discord.dump() << "\n" << refused.dump() << "\n" << record(3, "01AAAAAAAAAAAAAAAAAAAAAAAA", k_body);
  }
  auto mixed = run({"verify", "--capture", path.string(), "--secret", "s3"});
  CHECK(mixed.code == 1);
  CHECK(mixed.out.find("seq 1 01CCCCCCCCCCCCCCCCCCCCCCCC POST /h: unchecked (discord)") != std::string::npos);
  CHECK(mixed.out.find("01DDDDDDDDDDDDDDDDDDDDDDDD") == std::string::npos);
  CHECK(mixed.out.find("seq 3 01AAAAAAAAAAAAAAAAAAAAAAAA POST /h: valid (github)") != std::string::npos);
  CHECK(mixed.err.find("2 record(s) checked, 0 invalid, 1 not checkable") != std::string::npos);

  // An unsigned record is reported and skipped, not failed; a masked GitLab token is not checkable.
  {
    std::ofstream out(path);
    auto unsigned_rec = nlohmann::json::parse(record(1, "01EEEEEEEEEEEEEEEEEEEEEEEE", "{}"));
    unsigned_rec["headers"] = nlohmann::json::array({nlohmann::json::array({"Host", "x"})});
    out << unsigned_rec.dump() << "\n" << record(2, "01AAAAAAAAAAAAAAAAAAAAAAAA", k_body);
  }
  auto with_unsigned = run({"verify", "--capture", path.string(), "--secret", "s3"});
  CHECK(with_unsigned.code == 0);
  CHECK(with_unsigned.out.find("seq 1 01EEEEEEEEEEEEEEEEEEEEEEEE POST /h: unsigned") != std::string::npos);
  CHECK(with_unsigned.err.find("1 record(s) checked, 0 invalid; 1 unsigned skipped") != std::string::npos);
  {
    std::ofstream out(path);
    auto gitlab = nlohmann::json::parse(record(1, "01FFFFFFFFFFFFFFFFFFFFFFFF", "{}"));
    gitlab["headers"] = nlohmann::json::array({nlohmann::json::array({"X-Gitlab-Token", "***"})});
    out << gitlab.dump() << "\n";
  }
  auto masked = run({"verify", "--capture", path.string(), "--secret", "s3"});
  CHECK(masked.code == 1);
  CHECK(masked.out.find("unchecked (gitlab): not checked: the token header was masked") != std::string::npos);
  std::filesystem::remove(path);
}
