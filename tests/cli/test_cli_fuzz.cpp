// `hookctl fuzz` in process, without a network: --list (the same seed lists the same cases), and
// the usage errors that come before anything is sent, each one line with exit 2; what --out files
// hide of a secret.
#include <set>

#include <doctest/doctest.h>

#include "cli_harness.hpp"
#include "common.hpp"

using testing::run;

namespace {

const std::vector<std::string> k_base = {
    "fuzz", "http://127.0.0.1:9/hook", "-p", "github", "--secret", "s3cret", "--event", "github.push"};

std::vector<std::string> with(std::vector<std::string> extra) {
  std::vector<std::string> args = k_base;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

} // namespace

TEST_CASE("cli fuzz --list: every family's cases with their expectation; the seed decides the draw") {
  auto all = run(with({"--list"}));
  REQUIRE(all.code == 0);
  for (const char* id : {"signature.missing-header", "replay.same-delivery-twice", "payload.deep-nesting",
                         "http.header-flood", "slow.slow-headers", "order.burst"})
    CHECK(all.out.find(id) != std::string::npos);
  CHECK(all.out.find("expected: rejected (4xx)") != std::string::npos);
  auto sig = run(with({"--list", "--families", "signature", "--json"}));
  REQUIRE(sig.code == 0);
  CHECK(sig.out.find("\"family\":\"payload\"") == std::string::npos);
  CHECK(sig.out.find("\"family\":\"signature\"") != std::string::npos);
  auto a = run(with({"--list", "--cases", "30", "--seed", "4"}));
  auto b = run(with({"--list", "--cases", "30", "--seed", "4"}));
  auto c = run(with({"--list", "--cases", "30", "--seed", "5"}));
  REQUIRE(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out != c.out);
  CHECK(std::count(a.out.begin(), a.out.end(), '\n') == 30);
  // The secret is in no output.
  CHECK(all.out.find("s3cret") == std::string::npos);
  CHECK(all.err.find("s3cret") == std::string::npos);
}

TEST_CASE("cli fuzz: usage errors before anything is sent, one line, exit 2") {
  struct Bad {
    std::vector<std::string> args;
    std::string says;
  };
  for (const auto& bad : std::vector<Bad>{
           {{"fuzz", "http://192.0.2.1/hook", "-p", "github", "--secret", "s", "--event", "github.push"},
            "--allow-remote"},
           {with({"--families", "signature,bogus"}), "unknown family 'bogus'"},
           {with({"--families", ""}), "at least one family"},
           {with({"--cases", "5", "--duration", "5s"}), "do not go together"},
           {with({"--case", "signature.missing-header", "--cases", "5"}), "--case runs one case"},
           {with({"--case", "no.such-case", "--list"}), "no case 'no.such-case'"},
           {with({"--expect", "signature"}), "FAMILY=STATUSES"},
           {with({"--expect", "signature=abc"}), "--expect"},
           {with({"--case-timeout", "0s"}), "--case-timeout"},
           {{"fuzz", "http://127.0.0.1:9/hook", "--event", "github.push", "-p", "github"}, "key"},
           {{"fuzz", "http://127.0.0.1:9/hook", "--data", "{}"}, "--provider"},
       }) {
    CAPTURE(testing::command_line(bad.args));
    auto r = run(bad.args);
    CHECK(r.code == 2);
    CHECK(r.err.find(bad.says) != std::string::npos);
    CHECK(r.err.find("--no-sign") == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2); // the error, and at most a hint
  }
}

TEST_CASE(
    "fuzz --out files: a secret header is *** when it gives the secret away, even cut short; forged values stay") {
  using hookctl::app::redact_raw_request;
  const std::vector<std::string> secrets{"glt_abcdefghijklmnop", "glt_abc"};
  const std::string head = "POST /hook HTTP/1.1\r\nHost: x\r\n";
  // Whole, cut short where a slow writer stopped, or in the body: never readable.
  CHECK(redact_raw_request(head + "X-Gitlab-Token: glt_abcdefghijklmnop\r\n\r\n{}", secrets) ==
        head + "X-Gitlab-Token: ***\r\n\r\n{}");
  CHECK(redact_raw_request(head + "x-gitlab-token:glt_abcdefg", secrets) == head + "x-gitlab-token: ***");
  CHECK(redact_raw_request(head + "\r\n{\"t\":\"glt_abcdefghijklmnop\"}", secrets) == head + "\r\n{\"t\":\"***\"}");
  // The longer of two secrets that share a start is masked whole, not its shorter prefix only.
  CHECK(redact_raw_request("a glt_abcdefghijklmnop b", secrets) == "a *** b");
  // A forged or empty token is no secret: kept, so the finding replays as it was.
  CHECK(redact_raw_request(head + "X-Gitlab-Token: hookctl-fuzz-forged\r\n\r\n", secrets) ==
        head + "X-Gitlab-Token: hookctl-fuzz-forged\r\n\r\n");
  CHECK(redact_raw_request(head + "X-Gitlab-Token: \r\n\r\n", secrets) == head + "X-Gitlab-Token: \r\n\r\n");
  // Other headers are left alone.
  CHECK(redact_raw_request(head + "X-Other: glt_a\r\n\r\n", secrets) == head + "X-Other: glt_a\r\n\r\n");
  // With no secrets known, a secret header's value is always hidden.
  CHECK(redact_raw_request(head + "X-Gitlab-Token: anything\r\n\r\n", {}) == head + "X-Gitlab-Token: ***\r\n\r\n");
}

TEST_CASE("fuzz: fresh event ids keep their shape; a number never gains a leading zero (invalid JSON)") {
  using hookctl::app::fresh_like;
  for (int i = 0; i < 200; ++i) {
    const std::string random(16, static_cast<char>(i)); // every first digit the bytes can give
    const std::string number = fresh_like("82187881", random);
    CAPTURE(number);
    CHECK(number.size() == 8);
    CHECK(number[0] != '0');
    CHECK(number.find_first_not_of("0123456789") == std::string::npos);
    const std::string id = fresh_like("evt_1Nq2Ab", random);
    CHECK(id.starts_with("evt_"));
    CHECK(id.size() == 10);
  }
  // A value that starts with 0 is not a JSON number: its first digit is drawn like the others.
  std::set<char> firsts;
  for (int i = 0; i < 100; ++i) firsts.insert(fresh_like("0123", std::string(4, static_cast<char>(i)))[0]);
  CHECK(firsts.contains('0'));
}
