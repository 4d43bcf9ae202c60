// replay's pure parts: selection filters, comparison and diffs, building a request from a record
// (URL, dropped headers, --set, re-signing), staleness, and the Runner's order, pacing, retries and
// comparisons over a fake transport.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include "hookctl/capture/reader.hpp"
#include "hookctl/replay/compare.hpp"
#include "hookctl/replay/runner.hpp"
#include "hookctl/replay/select.hpp"
#include "hookctl/sign/scheme.hpp"

using namespace hookctl;
using namespace hookctl::replay;

namespace {

capture::Record rec(uint64_t seq, std::string method, std::string path, std::string body = "{}") {
  capture::Record r;
  r.seq = seq;
  r.id = "01ID" + std::to_string(seq);
  r.received_at = "2026-11-28T11:20:3" + std::to_string(seq % 10) + ".250000Z";
  r.remote = "127.0.0.1:1";
  r.method = std::move(method);
  r.path = std::move(path);
  r.headers.add("Host", "example.test");
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("replay::glob_match: * spans slashes, ? is one character, no backtracking blow-up") {
  CHECK(glob_match("/hooks/*", "/hooks/github/x"));
  CHECK(glob_match("*github*", "/hooks/github"));
  CHECK(glob_match("/h?oks", "/hooks"));
  CHECK_FALSE(glob_match("/h?oks", "/hoks"));
  CHECK_FALSE(glob_match("/hooks/*", "/other"));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "x"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*?a**", "*ax")); // found by fuzz_replay_select: a '*' in the text
  CHECK(glob_match("*a", "*a"));
  CHECK_FALSE(glob_match(std::string(50, '*') + "b", std::string(5000, 'a')));
}

TEST_CASE("replay::Selection: each filter, and all of them together") {
  auto a = rec(1, "POST", "/hooks/github", R"({"type":"invoice.paid","data":{"n":[1,{"k":"v"}]}})");
  a.verification = capture::Verification{"github", true, "ok", "match"};
  a.response = capture::RecordedResponse{503, 1, {}, {}};
  a.delivery_id = "d-1";
  auto b = rec(2, "PUT", "/other");
  b.verification = capture::Verification{"stripe", false, "bad", "no_match"};
  b.response = capture::RecordedResponse{200, 1, {}, {}};
  auto c = rec(3, "POST", "/hooks/x");
  c.verification = capture::Verification{"standard", false, "no key", "no_key"};

  Selection all;
  CHECK(all.matches(a));
  Selection s;
  s.ids = {"d-1"};
  CHECK(s.matches(a));
  CHECK_FALSE(s.matches(b));
  s = {};
  s.ids = {"01ID2"};
  CHECK(s.matches(b));
  s = {};
  s.path_glob = "/hooks/*";
  CHECK(s.matches(a));
  CHECK_FALSE(s.matches(b));
  s = {};
  s.methods = {"put"};
  CHECK(s.matches(b));
  CHECK_FALSE(s.matches(a));
  s = {};
  s.provider = "stripe";
  CHECK(s.matches(b));
  CHECK_FALSE(s.matches(a));
  auto u = rec(4, "POST", "/u");
  CHECK_FALSE(s.matches(u));
  s.unsigned_too = true;
  CHECK(s.matches(u));
  CHECK(s.matches(b));
  CHECK_FALSE(s.matches(a));
  s = {};
  s.verdict = "invalid";
  CHECK(s.matches(b));
  CHECK_FALSE(s.matches(a));
  CHECK_FALSE(s.matches(c));
  s.verdict = "unverified";
  CHECK(s.matches(c));
  s = {};
  s.statuses = {"5xx"};
  CHECK(s.matches(a));
  CHECK_FALSE(s.matches(b));
  CHECK_FALSE(s.matches(c)); // nothing recorded
  s.statuses = {"200"};
  CHECK(s.matches(b));
  s = {};
  s.where = {{"type", "invoice.paid"}};
  CHECK(s.matches(a));
  CHECK_FALSE(s.matches(b));
  s.where = {{"data.n.1.k", "v"}, {"data.n.0", "1"}};
  CHECK(s.matches(a));
  s.where = {{"data.n.5", "1"}};
  CHECK_FALSE(s.matches(a));
  s = {};
  s.since_us = *parse_time_us("2026-11-28T11:20:32Z");
  CHECK_FALSE(s.matches(a)); // 11:20:31.25
  CHECK(s.matches(b));       // 11:20:32.25
  s.until_us = *parse_time_us("2026-11-28T11:20:32.25Z");
  CHECK_FALSE(s.matches(b)); // until is exclusive
  s.until_us = *parse_time_us("2026-11-28T11:20:32.250001Z");
  CHECK(s.matches(b));
}

TEST_CASE("replay: --where, --status filters and times parse or are refused") {
  auto w = parse_where("body.data.object.status=paid=yes");
  REQUIRE(w.ok());
  CHECK(w->first == "data.object.status");
  CHECK(w->second == "paid=yes");
  CHECK_FALSE(parse_where("type=x").ok());
  CHECK_FALSE(parse_where("body.x").ok());
  CHECK(*parse_status_filter("5XX") == "5xx");
  CHECK(*parse_status_filter(" 503 ") == "503");
  CHECK(*parse_status_filter("0503") == "503"); // found by fuzz_replay_select: it matched nothing
  CHECK(status_matches(*parse_status_filter("0503"), 503));
  CHECK_FALSE(parse_status_filter("6xx").ok());
  CHECK_FALSE(parse_status_filter("99").ok());
  CHECK(status_matches("5xx", 503));
  CHECK_FALSE(status_matches("5xx", 499));
  CHECK(*parse_time_us("2026-11-28T11:20:37.123456Z") - *parse_time_us("2026-11-28T11:20:37Z") == 123456);
  CHECK(*parse_time_us("2026-11-28T11:20:37.5Z") - *parse_time_us("2026-11-28T11:20:37Z") == 500000);
  CHECK_FALSE(parse_time_us("yesterday").ok());
}

TEST_CASE("replay::compare: status class, bodies with ignored paths, expectations, nothing recorded") {
  capture::RecordedResponse r{200, 1, util::Headers{}, std::string(R"({"ok":true,"at":1,"items":[1,2]})")};
  CompareOptions o;
  CHECK(compare(r, 204, "", "", o).match == Match::match);
  auto m = compare(r, 500, "", "", o);
  CHECK(m.match == Match::mismatch);
  CHECK(m.diff == "status 200 (2xx) recorded, got 500 (5xx)");
  auto none = compare(r, 0, "", "connection refused", o);
  CHECK(none.diff.find("no response (connection refused)") != std::string::npos);
  CHECK(compare(std::nullopt, 200, "", "", o).match == Match::unrecorded);

  o.body = true;
  CHECK(compare(r, 200, R"({"items":[1,2],"at":1,"ok":true})", "", o).match == Match::match); // key order
  auto b = compare(r, 200, R"({"ok":true,"at":2,"items":[1,2]})", "", o);
  CHECK(b.match == Match::mismatch);
  CHECK(b.diff == "body at at: 1 -> 2");
  o.ignore = {"at"};
  CHECK(compare(r, 200, R"({"ok":true,"at":2,"items":[1,2]})", "", o).match == Match::match);
  CHECK(compare(r, 200, R"({"ok":true,"items":[1]})", "", o).diff == "body at items: 2 items -> 1 items");
  CHECK(compare(r, 200, R"({"ok":true,"items":[1,2],"new":0})", "", o).diff == "body at new: (missing) -> 0");
  CHECK(body_diff("abc", "abd", {}) == "body differs at byte 2 (recorded 3 bytes, got 3)");
  CHECK(body_diff("same", "same", {}).empty());
  // listen leaves an empty answer's body out: absent compares as empty.
  capture::RecordedResponse empty{200, 1, {}, {}};
  CHECK(compare(empty, 200, "", "", o).match == Match::match);

  CompareOptions e;
  e.expected = {"2xx", "409"};
  CHECK(compare(std::nullopt, 201, "", "", e).match == Match::match);
  CHECK(compare(r, 409, "", "", e).match == Match::match);
  auto fail = compare(r, 500, "", "", e);
  CHECK(fail.match == Match::mismatch);
  CHECK(fail.diff == "expected 2xx or 409, got 500");
}

TEST_CASE("replay::build_request: URL from --to, headers as captured minus recomputed ones, no User-Agent added") {
  auto r = rec(1, "POST", "/hooks/gh", R"({"a":1})");
  r.query = "x=1";
  r.headers.add("Connection", "keep-alive, X-Hop");
  r.headers.add("X-Hop", "1");
  r.headers.add("Content-Length", "7");
  r.headers.add(":authority", "example.test");
  r.headers.add("X-Dup", "1");
  r.headers.add("x-dup", "2");
  RequestPlan plan;
  plan.to = "http://127.0.0.1:3000/base/";
  auto req = build_request(r, plan, 0, {});
  REQUIRE(req.ok());
  CHECK(req->url == "http://127.0.0.1:3000/base/hooks/gh?x=1");
  CHECK(req->method == "POST");
  CHECK(req->body == R"({"a":1})");
  CHECK_FALSE(req->add_user_agent);
  CHECK_FALSE(req->headers.get("Host"));
  CHECK_FALSE(req->headers.get("Connection"));
  CHECK_FALSE(req->headers.get("X-Hop"));
  CHECK_FALSE(req->headers.get("Content-Length"));
  CHECK_FALSE(req->headers.get(":authority"));
  CHECK(req->headers.count("X-Dup") == 2);
  CHECK(req->headers.get("Content-Type") == "application/json");

  plan.to = "http://127.0.0.1:3000/exact?k=v";
  plan.exact = true;
  CHECK(build_request(r, plan, 0, {})->url == "http://127.0.0.1:3000/exact?k=v");
  plan.exact = false;
  CHECK(build_request(r, plan, 0, {})->url == "http://127.0.0.1:3000/exact/hooks/gh?x=1&k=v");

  plan.sets = {"a=2", "b=\"x\""};
  CHECK(build_request(r, plan, 0, {})->body == R"({"a":2,"b":"x"})");
  plan.sets = {"=bad"};
  CHECK_FALSE(build_request(r, plan, 0, {}).ok());
}

TEST_CASE("replay::build_request --resign: a fresh signature that verifies now, the captured id kept or new") {
  auto r = rec(1, "POST", "/hooks/std", R"({"type":"x"})");
  r.headers.add("webhook-id", "msg_old");
  r.headers.add("webhook-timestamp", "1000");
  r.headers.add("webhook-signature", "v1,stale");
  r.delivery_id = "msg_old";
  RequestPlan plan;
  plan.to = "http://127.0.0.1:3000";
  Resign rs;
  rs.provider = "standard";
  rs.keys.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  plan.resign = rs;
  const int64_t now = 1'800'000'000;
  auto random = [](size_t n) { return std::string(n, 'r'); };
  auto req = build_request(r, plan, now, random);
  REQUIRE(req.ok());
  CHECK(req->headers.count("webhook-signature") == 1);
  CHECK(req->headers.get("webhook-timestamp") == std::to_string(now));
  CHECK(req->headers.get("webhook-id") == "msg_old");
  auto scheme = sign::make_scheme("standard");
  sign::VerifyRequest v;
  v.body = req->body;
  v.headers = req->headers;
  v.url = req->url;
  v.now = now;
  v.keys = rs.keys;
  auto verdict = (*scheme)->verify(v);
  REQUIRE(verdict.ok());
  CHECK(verdict->valid);
  plan.resign->new_ids = true;
  auto fresh = build_request(r, plan, now, random);
  CHECK(fresh->headers.get("webhook-id") != "msg_old");
  // GitHub: the legacy sha1 header of the capture does not survive next to a new sha256 one.
  auto g = rec(2, "POST", "/gh");
  g.headers.add("X-Hub-Signature", "sha1=old");
  g.headers.add("X-Hub-Signature-256", "sha256=old");
  plan.resign = Resign{"github", sign::Keys{{"s"}, {}, {}}, {}, false};
  auto gh = build_request(g, plan, now, random);
  REQUIRE(gh.ok());
  CHECK(gh->headers.get("X-Hub-Signature-256") != "sha256=old");
  CHECK(gh->headers.get("X-Hub-Signature") != "sha1=old");
}

TEST_CASE("replay::stale: older than the provider's window") {
  auto r = rec(1, "POST", "/s");
  r.verification = capture::Verification{"stripe", true, "", "match"};
  const int64_t at = *parse_time_us(r.received_at);
  std::string provider;
  CHECK_FALSE(stale(r, at + 299'000'000, &provider));
  CHECK(provider == "stripe");
  CHECK(stale(r, at + 301'000'000));
  r.verification = capture::Verification{"github", true, "", "match"}; // no timestamp window
  CHECK_FALSE(stale(r, at + 100'000'000'000));
  // The signed timestamp wins over the capture time: an old signature captured just now is stale.
  r.verification = capture::Verification{"stripe", false, "", "timestamp_too_old"};
  r.headers.add("Stripe-Signature", "t=1000, v1=abc");
  CHECK(stale(r, at));
  CHECK(signed_at("stripe", r.headers) == 1000);
  util::Headers h{{"Paddle-Signature", "ts=1700000000;h1=x"},
                  {"webhook-timestamp", "42"},
                  {"Twitch-Eventsub-Message-Timestamp", "2023-11-14T22:13:20.123Z"}};
  CHECK(signed_at("paddle", h) == 1700000000);
  CHECK(signed_at("standard", h) == 42);
  CHECK(signed_at("twitch", h) == 1700000000);
  CHECK_FALSE(signed_at("github", h).has_value());
  CHECK_FALSE(signed_at("slack", h).has_value());
}

namespace {

// Answers each request with the status its body names ({"status":N}), or 500 on the first attempt
// of a body with "flaky"; records what it saw.
struct FakeSink {
  std::mutex mutex;
  std::vector<http::Request> seen;
  std::map<std::string, int> attempts;
};
class FakeTransport : public http::Transport {
public:
  explicit FakeTransport(FakeSink& sink) : m_sink(sink) {}
  http::Outcome send(const http::Request& request) override {
    std::lock_guard lock(m_sink.mutex);
    m_sink.seen.push_back(request);
    http::Outcome o;
    int n = ++m_sink.attempts[request.body];
    int status = 200;
    if (request.body.find("flaky") != std::string::npos && n == 1) status = 500;
    auto pos = request.body.find("\"status\":");
    if (pos != std::string::npos) status = std::stoi(request.body.substr(pos + 9));
    o.response = http::Response{status, {}, R"({"echo":)" + request.body + "}"};
    return o;
  }

private:
  FakeSink& m_sink;
};

RunDeps fake_run_deps(FakeSink& sink, std::vector<std::chrono::steady_clock::time_point>* sleeps = nullptr) {
  RunDeps d;
  d.transport = [&sink] { return std::make_unique<FakeTransport>(sink); };
  d.now_us = [] { return int64_t{1'800'000'000'000'000}; };
  d.random = [](size_t n) { return std::string(n, 'x'); };
  d.retry_clock.now_unix = [] { return int64_t{1'800'000'000}; };
  d.retry_clock.sleep_for = [](std::chrono::milliseconds) {};
  d.retry_clock.uniform01 = [] { return 0.5; };
  auto base = std::chrono::steady_clock::time_point{};
  d.steady_now = [base] { return base; };
  d.sleep_until = [sleeps](std::chrono::steady_clock::time_point t) {
    if (sleeps) sleeps->push_back(t);
  };
  return d;
}

} // namespace

TEST_CASE("replay::Runner: every record once, in order with one worker; retries; comparisons") {
  FakeSink sink;
  RunOptions o;
  o.plan.to = "http://127.0.0.1:1";
  o.retry.retries = 2;
  o.retry.base = std::chrono::milliseconds(1);
  o.comparing = true;
  std::vector<EventResult> results;
  Runner runner(o, fake_run_deps(sink), [&](EventResult&& r) { results.push_back(std::move(r)); });
  REQUIRE(runner.start().ok());
  for (uint64_t i = 1; i <= 20; ++i) {
    auto r = rec(i, "POST", "/p" + std::to_string(i), i == 7 ? R"({"flaky":1})" : R"({"status":200})");
    r.response = capture::RecordedResponse{i == 9 ? 500 : 200, 1, {}, {}};
    CHECK(runner.submit(std::move(r)));
  }
  runner.finish();
  REQUIRE(results.size() == 20);
  for (size_t i = 0; i < results.size(); ++i) CHECK(results[i].index == i);
  CHECK(results[6].delivery.attempts.size() == 2); // 500, then 200
  CHECK(results[6].comparison->match == Match::match);
  CHECK(results[8].comparison->match == Match::mismatch); // recorded 500, got 200
  CHECK(sink.seen.size() == 21);
  CHECK(sink.seen[0].url == "http://127.0.0.1:1/p1");
}

TEST_CASE("replay::Runner: concurrent workers replay each record exactly once; pacing by rate and timing") {
  FakeSink sink;
  RunOptions o;
  o.plan.to = "http://127.0.0.1:1";
  o.concurrency = 8;
  std::mutex m;
  std::set<uint64_t> seen;
  {
    Runner runner(o, fake_run_deps(sink), [&](EventResult&& r) {
      std::lock_guard lock(m);
      CHECK(seen.insert(r.record.seq).second);
    });
    REQUIRE(runner.start().ok());
    for (uint64_t i = 1; i <= 500; ++i) runner.submit(rec(i, "POST", "/x"));
    runner.finish();
  }
  CHECK(seen.size() == 500);
  CHECK(sink.seen.size() == 500);

  // --rate 10: record i is due at i/10 s after the start.
  std::vector<std::chrono::steady_clock::time_point> sleeps;
  RunOptions paced;
  paced.plan.to = "http://127.0.0.1:1";
  paced.rate = 10;
  {
    Runner runner(paced, fake_run_deps(sink, &sleeps), [](EventResult&&) {});
    REQUIRE(runner.start().ok());
    for (uint64_t i = 1; i <= 3; ++i) runner.submit(rec(i, "POST", "/x"));
    runner.finish();
  }
  REQUIRE(sleeps.size() == 2); // the first is due at once
  CHECK(sleeps[0].time_since_epoch() == std::chrono::milliseconds(100));
  CHECK(sleeps[1].time_since_epoch() == std::chrono::milliseconds(200));

  // --preserve-timing --speed 2: the captured gaps (1 s apart in rec()) halved.
  sleeps.clear();
  RunOptions timed;
  timed.plan.to = "http://127.0.0.1:1";
  timed.speed = 2;
  {
    Runner runner(timed, fake_run_deps(sink, &sleeps), [](EventResult&&) {});
    REQUIRE(runner.start().ok());
    for (uint64_t i = 1; i <= 3; ++i) runner.submit(rec(i, "POST", "/x"));
    runner.finish();
  }
  REQUIRE(sleeps.size() == 2);
  CHECK(sleeps[0].time_since_epoch() == std::chrono::milliseconds(500));
  CHECK(sleeps[1].time_since_epoch() == std::chrono::milliseconds(1000));

  RunOptions bad;
  bad.rate = 1;
  bad.speed = 1;
  Runner r(bad, fake_run_deps(sink), [](EventResult&&) {});
  CHECK_FALSE(r.start().ok());
}

TEST_CASE("capture::read_events: capture lines with FILE:LINE errors, skip-invalid, HAR told apart by content") {
  CHECK(capture::detect_format("{\"v\":1,\"seq\":1}") == capture::SourceFormat::capture);
  CHECK(capture::detect_format("\xEF\xBB\xBF{\n  \"log\": {") == capture::SourceFormat::har);
  CHECK(capture::detect_format("  {\"log\":{}}") == capture::SourceFormat::har);
  CHECK(capture::detect_format("") == capture::SourceFormat::capture);

  std::string text;
  for (uint64_t i = 1; i <= 3; ++i) {
    auto r = rec(i, "POST", "/x" + std::to_string(i), std::string(200, 'a'));
    text += capture::to_line(r);
    if (i == 2) text += "\n{broken\n";
  }
  std::vector<std::string> where;
  auto collect = [&](capture::Record r, const std::string& w) {
    where.push_back(w + " " + r.path);
    return true;
  };
  {
    std::istringstream in(text);
    auto res = capture::read_events(in, "f.jsonl", collect, [](const Error&) { return false; });
    CHECK_FALSE(res.ok());
    CHECK(res.error().message.starts_with("f.jsonl:4: "));
    CHECK(where.size() == 2);
  }
  where.clear();
  std::vector<std::string> skipped;
  {
    std::istringstream in(text);
    auto res = capture::read_events(in, "f.jsonl", collect, [&](const Error& e) {
      skipped.push_back(e.message);
      return true;
    });
    CHECK(res.ok());
    CHECK(where == std::vector<std::string>{"f.jsonl:1 /x1", "f.jsonl:2 /x2", "f.jsonl:5 /x3"});
    CHECK(skipped.size() == 1);
  }
  // An unknown version is refused even with skip-invalid.
  std::istringstream v2("{\"v\":2}\n");
  auto res = capture::read_events(v2, "f", collect, [](const Error&) { return true; });
  CHECK_FALSE(res.ok());
  CHECK(res.error().message.find("unsupported capture version") != std::string::npos);
  // Parsing into recycled records (full of another record's fields) gives the same records.
  {
    auto junk = rec(99, "PUT", "/junk/path/that/is/long", std::string(500, 'j'));
    junk.event_type = "junk.event";
    junk.duplicate = true;
    junk.refused = "why";
    junk.response = capture::RecordedResponse{500, 9, util::Headers{{"A", "b"}}, std::string("body")};
    junk.headers.add("X-Extra-Header-Name", "extra value longer than sso");
    std::istringstream plain_in(text), recycled_in(text);
    std::vector<capture::Record> plain, recycled;
    auto keep = [](std::vector<capture::Record>& into) {
      return [&into](capture::Record r, const std::string&) {
        into.push_back(std::move(r));
        return true;
      };
    };
    auto skip = [](const Error&) { return true; };
    int handed = 0;
    CHECK(capture::read_events(plain_in, "f", keep(plain), skip).ok());
    CHECK(capture::read_events(recycled_in, "f", keep(recycled), skip, [&] {
            ++handed;
            return junk;
          }).ok());
    CHECK(handed == 4); // one per non-blank line, the broken one included
    REQUIRE(plain.size() == 3);
    CHECK(recycled == plain);
  }
  // Stopping early.
  std::istringstream again(text);
  int n = 0;
  CHECK(capture::read_events(
            again, "f", [&](capture::Record, const std::string&) { return ++n < 1; }, [](const Error&) { return true; })
            .ok());
  CHECK(n == 1);
}

TEST_CASE("replay::Runner over event loops (no retries): every record once, results compared, pacing kept") {
  FakeSink sink;
  RunOptions o;
  o.plan.to = "http://127.0.0.1:1";
  o.concurrency = 4;
  o.comparing = true;
  auto deps = fake_run_deps(sink);
  std::atomic<int> muxes{0};
  deps.multiplexer = [&sink, &muxes](size_t slots) -> std::unique_ptr<http::Multiplexer> {
    ++muxes;
    if (slots != 1) return nullptr; // one loop per connection in this test: the serial adapter has one slot
    return http::serial_multiplexer(std::make_unique<FakeTransport>(sink));
  };
  deps.loops = 4;
  std::mutex m;
  std::map<uint64_t, Match> seen;
  size_t reused = 0;
  {
    Runner runner(o, deps, [&](EventResult&& r) {
      std::lock_guard lock(m);
      CHECK(r.delivery.attempts.size() == 1);
      CHECK(seen.emplace(r.record.seq, r.comparison->match).second);
    });
    REQUIRE(runner.start().ok());
    for (uint64_t i = 1; i <= 300; ++i) {
      // Records the loops are done with come back to be parsed into again (here: overwritten).
      capture::Record r = runner.recycled();
      if (!r.id.empty()) ++reused;
      r = rec(i, "POST", "/x" + std::to_string(i),
              i % 10 == 0 ? R"({"status":500})" : "{\"n\":" + std::to_string(i) + "}");
      r.response = capture::RecordedResponse{200, 1, {}, {}};
      runner.submit(std::move(r));
    }
    runner.finish();
  }
  CHECK(muxes.load() == 4);
  CHECK(seen.size() == 300);
  CHECK(sink.seen.size() == 300);
  CHECK(reused > 0);
  // Each request carried its own record's body (moved into the request, not a recycled one's).
  for (const auto& req : sink.seen) {
    const std::string n = req.url.substr(req.url.rfind("/x") + 2);
    const uint64_t i = std::stoull(n);
    CHECK(req.body == (i % 10 == 0 ? R"({"status":500})" : "{\"n\":" + n + "}"));
  }
  size_t mismatches = 0;
  for (const auto& [seq, match] : seen) mismatches += match == Match::mismatch ? 1 : 0;
  CHECK(mismatches == 30);
  CHECK_FALSE(sink.seen[0].add_user_agent);

  // With retries asked for, the thread-per-connection path is used (the loops do not retry).
  RunOptions retrying = o;
  retrying.retry.retries = 1;
  muxes = 0;
  Runner runner(retrying, deps, [](EventResult&&) {});
  REQUIRE(runner.start().ok());
  runner.submit(rec(1, "POST", "/x"));
  runner.finish();
  CHECK(muxes.load() == 0);
}
