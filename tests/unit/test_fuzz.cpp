#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/fuzz/cases.hpp"
#include "hookctl/fuzz/run.hpp"
#include "hookctl/sign/scheme.hpp"

using namespace hookctl;
using namespace hookctl::fuzz;

namespace {

constexpr int64_t k_now = 1'800'000'000;

Base base_for(const std::string& provider, const std::string& secret) {
  Base b;
  b.url = "http://127.0.0.1:9/hook";
  b.provider = provider;
  b.keys.secrets = {secret};
  b.body = R"({"id":"evt_1","type":"invoice.paid","data":{"object":{"amount":100,"paid":true}},"list":[1,2]})";
  b.headers.add("Content-Type", "application/json");
  b.id = "msg_2Lc5vLEbBCqBeTsQmGEjT9JwRKm";
  return b;
}

// Whether `r` verifies under the base's provider and key at `now`, with the provider's window.
sign::Verdict verify_at(const Base& b, const http::Request& r, int64_t now) {
  auto scheme = sign::make_scheme(b.provider);
  REQUIRE(scheme.ok());
  sign::VerifyRequest v;
  v.body = r.body;
  v.headers = r.headers;
  v.url = r.url;
  v.method = r.method;
  v.now = now;
  v.keys = b.keys;
  auto verdict = (*scheme)->verify(v);
  REQUIRE(verdict.ok());
  return *verdict;
}

Exchange answered(int status, double ms = 1) {
  Exchange e;
  e.status = status;
  e.latency_ms = ms;
  return e;
}

} // namespace

TEST_CASE("fuzz::make_cases: the same seed gives the same cases and bytes; every family is there") {
  const Base b = base_for("stripe", "whsec_test");
  auto a = make_cases(b, all_families(), 7);
  auto again = make_cases(b, all_families(), 7);
  REQUIRE(a.ok());
  REQUIRE(again.ok());
  REQUIRE(a->size() == again->size());
  std::set<std::string> ids, families;
  for (size_t i = 0; i < a->size(); ++i) {
    const Case& x = (*a)[i];
    const Case& y = (*again)[i];
    CHECK(x.index == i);
    CHECK(x.id == y.id);
    CHECK(ids.insert(x.id).second); // ids are unique
    families.insert(std::string(family_name(x.family)));
    auto px = x.build(k_now);
    auto py = y.build(k_now);
    REQUIRE(px.ok());
    REQUIRE(py.ok());
    REQUIRE(px->steps.size() == py->steps.size());
    for (size_t s = 0; s < px->steps.size(); ++s) {
      CHECK(px->steps[s].request.body == py->steps[s].request.body);
      CHECK(px->steps[s].request.headers.fields() == py->steps[s].request.headers.fields());
      CHECK(px->steps[s].raw == py->steps[s].raw);
    }
  }
  CHECK(families == std::set<std::string>{"signature", "replay", "payload", "http", "slow", "order"});
  // Only the chosen families; another seed changes the mutated bytes, not the list.
  auto sig = make_cases(b, {Family::signature}, 7);
  REQUIRE(sig.ok());
  for (const auto& c : *sig) CHECK(c.family == Family::signature);
  auto other = make_cases(b, {Family::signature}, 8);
  REQUIRE(other.ok());
  REQUIRE(other->size() == sig->size());
  bool differs = false;
  for (size_t i = 0; i < sig->size(); ++i) {
    CHECK((*sig)[i].id == (*other)[i].id);
    if ((*sig)[i].id == "signature.body-one-byte")
      differs = (*sig)[i].build(k_now)->steps[0].request.body != (*other)[i].build(k_now)->steps[0].request.body;
  }
  CHECK(differs);
  // A key that cannot sign is a usage error before anything is sent.
  Base bad = base_for("standard", "not-a-whsec-secret");
  CHECK_FALSE(make_cases(bad, all_families(), 1).ok());
}

TEST_CASE("fuzz: the baseline verifies; every signature case fails the provider's own check") {
  for (auto [provider, secret] :
       std::vector<std::pair<std::string, std::string>>{{"stripe", "whsec_test"},
                                                        {"github", "s3cret"},
                                                        {"slack", "8f742231b10e8888abcd99yyyzzz85a5"},
                                                        {"standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                                                        {"shopify", "hush"},
                                                        {"twitch", "0123456789abcdef"},
                                                        {"paddle", "pdl_ntfset_secret"},
                                                        {"svix", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                                                        {"twilio", "12345"},
                                                        {"square", "sq_key"},
                                                        {"gitlab", "glpat-token"}}) {
    INFO(provider);
    const Base b = base_for(provider, secret);
    auto base = sign_delivery(b, b.body, k_now);
    REQUIRE(base.ok());
    CHECK(verify_at(b, *base, k_now).valid);
    auto cases = make_cases(b, {Family::signature}, 3);
    REQUIRE(cases.ok());
    CHECK(cases->size() >= (provider == "gitlab" ? 6U : 9U));
    // A shared token (GitLab) does not cover the body: no case changes the body after signing.
    const bool body_cases = std::any_of(cases->begin(), cases->end(), [](const Case& c) {
      return c.id == "signature.other-body" || c.id.starts_with("signature.body-");
    });
    CHECK(body_cases == (provider != "gitlab"));
    const auto* info = sign::find_provider(provider);
    REQUIRE(info != nullptr);
    for (const auto& c : *cases) {
      INFO(c.id);
      CHECK(c.expect == Expect::reject);
      auto plan = c.build(k_now);
      REQUIRE(plan.ok());
      REQUIRE(plan->steps.size() == 1);
      const auto v = verify_at(b, plan->steps[0].request, k_now);
      if (c.note_only) {
        // A future timestamp this provider's library accepts: so does hookctl's verifier.
        CHECK(c.stale);
        CHECK(info->direction == sign::Direction::past);
        CHECK(v.valid);
      } else {
        CHECK_FALSE(v.valid);
      }
      if (c.stale && !c.note_only)
        CHECK((v.reason == sign::Reason::timestamp_too_old || v.reason == sign::Reason::timestamp_in_future));
    }
  }
}

TEST_CASE("fuzz: payload cases are validly signed; structure-aware ones edit each member of the event") {
  const Base b = base_for("github", "s3cret");
  auto cases = make_cases(b, {Family::payload}, 1);
  REQUIRE(cases.ok());
  std::set<std::string> ids;
  for (const auto& c : *cases) {
    ids.insert(c.id);
    auto plan = c.build(k_now);
    REQUIRE(plan.ok());
    INFO(c.id);
    CHECK(verify_at(b, plan->steps[0].request, k_now).valid);
  }
  for (const char* id : {"payload.invalid-json", "payload.truncated-json", "payload.empty-body", "payload.deep-nesting",
                         "payload.huge-string", "payload.huge-number", "payload.invalid-utf8", "payload.nul-bytes",
                         "payload.duplicate-keys", "payload.unknown-event-type", "payload.wrong-type/data/object",
                         "payload.null/list", "payload.missing/type"})
    CHECK(ids.count(id) == 1);
  auto find = [&](const std::string& id) -> const Case& {
    for (const auto& c : *cases)
      if (c.id == id) return c;
    FAIL("no case " << id);
    return cases->front();
  };
  CHECK(find("payload.missing/type").build(k_now)->steps[0].request.body.find("\"type\"") == std::string::npos);
  CHECK(find("payload.null/data/object").build(k_now)->steps[0].request.body.find(R"("object":null)") !=
        std::string::npos);
  CHECK(find("payload.deep-nesting").build(k_now)->steps[0].request.body.size() == 20000);
}

TEST_CASE("fuzz::judge: expectations to verdicts and kinds") {
  const Base b = base_for("stripe", "whsec_test");
  auto cases = make_cases(b, all_families(), 1);
  REQUIRE(cases.ok());
  auto find = [&](const std::string& id) -> const Case& {
    for (const auto& c : *cases)
      if (c.id == id) return c;
    FAIL("no case " << id);
    return cases->front();
  };
  const Case& forged = find("signature.missing-header");
  CHECK(judge(forged, {answered(401)}, std::nullopt, 0, false).verdict == Verdict::pass);
  auto j = judge(forged, {answered(200)}, std::nullopt, 0, false);
  CHECK(j.verdict == Verdict::finding);
  CHECK(*j.kind == Kind::accepts_forgery);
  CHECK(j.detail.find("answered 200") != std::string::npos);
  CHECK(*judge(find("signature.stale-far-outside"), {answered(204)}, std::nullopt, 0, false).kind ==
        Kind::accepts_stale);
  // Stripe's library accepts future timestamps: a note, a finding with --strict.
  const Case& future = find("signature.future-far-outside");
  CHECK(judge(future, {answered(200)}, std::nullopt, 0, false).verdict == Verdict::note);
  CHECK(judge(future, {answered(200)}, std::nullopt, 0, true).verdict == Verdict::finding);
  const Case& payload = find("payload.deep-nesting");
  CHECK(judge(payload, {answered(400)}, std::nullopt, 0, false).verdict == Verdict::pass);
  CHECK(*judge(payload, {answered(503)}, std::nullopt, 0, false).kind == Kind::server_error);
  Exchange timed_out;
  timed_out.failure = http::Failure::timeout;
  CHECK(*judge(payload, {timed_out}, std::nullopt, 0, false).kind == Kind::timeout);
  Exchange dropped;
  dropped.failure = http::Failure::io;
  dropped.closed = true;
  CHECK(*judge(payload, {dropped}, std::nullopt, 0, false).kind == Kind::connection_drop);
  // Raw HTTP abuse: a closed connection, a 501 for framing it does not implement, a 4xx are fine.
  const Case& chunked = find("http.bad-chunk-size");
  CHECK(judge(chunked, {dropped}, std::nullopt, 0, false).verdict == Verdict::pass);
  CHECK(judge(chunked, {answered(501)}, std::nullopt, 0, false).verdict == Verdict::pass);
  CHECK(*judge(chunked, {answered(500)}, std::nullopt, 0, false).kind == Kind::server_error);
  CHECK(*judge(chunked, {timed_out}, std::nullopt, 0, false).kind == Kind::timeout);
  // Slow clients: the baseline meanwhile must be answered, and promptly.
  const Case& slow = find("slow.slow-body");
  CHECK(judge(slow, {dropped}, answered(200, 20), 0, false).verdict == Verdict::pass);
  CHECK(*judge(slow, {dropped}, answered(200, 2400), 0, false).kind == Kind::slow);  // answered late
  CHECK(*judge(slow, {dropped}, answered(200, 700), 500, false).kind == Kind::slow); // over --max-latency
  CHECK(*judge(slow, {dropped}, timed_out, 0, false).kind == Kind::timeout);
  CHECK(*judge(slow, {dropped}, answered(502), 0, false).kind == Kind::server_error);
  // --max-latency.
  CHECK(*judge(payload, {answered(200, 900)}, std::nullopt, 500, false).kind == Kind::slow);
  CHECK(judge(payload, {answered(200, 100)}, std::nullopt, 500, false).verdict == Verdict::pass);
}

TEST_CASE("fuzz::schedule: every case once, --case, --cases N drawn by the seed") {
  const Base b = base_for("github", "s3cret");
  auto cases = make_cases(b, {Family::signature, Family::order}, 1);
  REQUIRE(cases.ok());
  RunOptions o;
  auto all = schedule(*cases, o);
  REQUIRE(all.ok());
  CHECK(all->size() == cases->size());
  o.only = "order.burst";
  auto one = schedule(*cases, o);
  REQUIRE(one.ok());
  REQUIRE(one->size() == 1);
  CHECK((*cases)[one->front()].id == "order.burst");
  o.only = "no.such-case";
  CHECK(schedule(*cases, o).error().code == Errc::usage);
  o.only.clear();
  o.cases = cases->size() * 2 + 1;
  o.seed = 5;
  auto drawn = schedule(*cases, o);
  auto again = schedule(*cases, o);
  REQUIRE(drawn.ok());
  CHECK(drawn->size() == cases->size() * 2 + 1);
  CHECK(*drawn == *again);
  std::map<size_t, int> count;
  for (size_t i : *drawn) ++count[i];
  CHECK(count.size() == cases->size()); // each case drawn before any is drawn a third time
  for (const auto& [i, n] : count) CHECK((n == 2 || n == 3));
  o.seed = 6;
  CHECK(*schedule(*cases, o) != *drawn);
}

TEST_CASE("fuzz::run: the oracle stops at the case after which the baseline fails; --check-cmd findings") {
  const Base b = base_for("github", "s3cret");
  auto cases = make_cases(b, {Family::payload}, 1);
  REQUIRE(cases.ok());
  auto order = schedule(*cases, RunOptions{});
  REQUIRE(order.ok());
  // A receiver that dies on deep nesting: everything afterwards fails.
  bool dead = false;
  Deps deps;
  deps.now = [] { return k_now; };
  deps.sleep = [](std::chrono::milliseconds) {};
  deps.send = [&](const http::Request& r) {
    if (dead) {
      Exchange e;
      e.failure = http::Failure::connect;
      e.error = "refused";
      return e;
    }
    if (r.body.size() == 20000) {
      dead = true;
      Exchange e;
      e.failure = http::Failure::io;
      e.closed = true;
      return e;
    }
    return verify_at(b, r, k_now).valid ? answered(200) : answered(401);
  };
  deps.send_raw = [](const Step&) { return answered(400); };
  CHECK(check_baseline(b, deps).ok());
  std::vector<std::string> seen;
  RunOptions o;
  auto sum = run(b, *cases, *order, o, deps,
                 [&](const CaseResult& r) {
                   seen.push_back(r.c->id);
                   if (r.c->id == "payload.deep-nesting") {
                     CHECK(r.judgement.verdict == Verdict::finding);
                     CHECK(*r.judgement.kind == Kind::receiver_broke);
                   } else {
                     CHECK(r.judgement.verdict == Verdict::pass);
                   }
                 },
                 {});
  CHECK(sum.stopped_broken);
  CHECK(sum.findings == 1);
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back() == "payload.deep-nesting");
  CHECK(seen.size() < cases->size());
  // The baseline itself refused: an input error that says what came back.
  auto refused = check_baseline(b, deps);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::input);
  CHECK(refused.error().message.find("refused") != std::string::npos);

  // --check-cmd: a non-zero status is a finding of its own kind.
  dead = false;
  deps.check = [](const Case& c) { return c.id == "payload.empty-body" ? 3 : 0; };
  std::map<std::string, Kind> kinds;
  o.only = "payload.empty-body";
  auto just = schedule(*cases, o);
  REQUIRE(just.ok());
  sum = run(b, *cases, *just, o, deps,
            [&](const CaseResult& r) {
              if (r.judgement.kind) kinds[r.c->id] = *r.judgement.kind;
            },
            {});
  CHECK(sum.findings == 1);
  CHECK(kinds.at("payload.empty-body") == Kind::check_failed);
}

TEST_CASE("fuzz --expect: a family's statuses replace its default expectation") {
  CHECK_FALSE(parse_override("signature").ok());
  CHECK_FALSE(parse_override("bogus=401").ok());
  CHECK_FALSE(parse_override("signature=4zz").ok());
  auto o = parse_override("signature=401, 403");
  REQUIRE(o.ok());
  CHECK(o->first == Family::signature);
  CHECK(o->second.size() == 2);
  const Base b = base_for("stripe", "whsec_test");
  auto cases = make_cases(b, {Family::signature, Family::payload}, 1);
  REQUIRE(cases.ok());
  const Case* forged = nullptr;
  const Case* payload = nullptr;
  for (const auto& c : *cases) {
    if (c.id == "signature.wrong-secret") forged = &c;
    if (c.id == "payload.empty-body") payload = &c;
  }
  REQUIRE(forged != nullptr);
  REQUIRE(payload != nullptr);
  const Overrides sig = {*o};
  CHECK(judge(*forged, {answered(401)}, std::nullopt, 0, false, sig).verdict == Verdict::pass);
  CHECK(*judge(*forged, {answered(400)}, std::nullopt, 0, false, sig).kind == Kind::unexpected);
  CHECK(*judge(*forged, {answered(200)}, std::nullopt, 0, false, sig).kind == Kind::accepts_forgery);
  CHECK(*judge(*forged, {answered(500)}, std::nullopt, 0, false, sig).kind == Kind::server_error);
  // Another family's cases keep their defaults; a receiver that answers 200 to everything on
  // purpose can list it (and then a forgery's 200 passes).
  CHECK(judge(*payload, {answered(400)}, std::nullopt, 0, false, sig).verdict == Verdict::pass);
  const Overrides quiet = {*parse_override("signature=200")};
  CHECK(judge(*forged, {answered(200)}, std::nullopt, 0, false, quiet).verdict == Verdict::pass);
  // Two --expect for one family add up.
  const Overrides both = {*parse_override("signature=401"), *parse_override("signature=403")};
  CHECK(judge(*forged, {answered(403)}, std::nullopt, 0, false, both).verdict == Verdict::pass);
  CHECK(judge(*forged, {answered(401)}, std::nullopt, 0, false, both).verdict == Verdict::pass);
  CHECK(*judge(*forged, {answered(404)}, std::nullopt, 0, false, both).kind == Kind::unexpected);
  const Overrides strict_payload = {*parse_override("payload=2xx")};
  CHECK(*judge(*payload, {answered(400)}, std::nullopt, 0, false, strict_payload).kind == Kind::unexpected);
}

TEST_CASE("fuzz::run --concurrency: every case once, reported in order, the oracle after each batch") {
  const Base b = base_for("github", "s3cret");
  auto cases = make_cases(b, {Family::signature, Family::payload}, 1);
  REQUIRE(cases.ok());
  auto order = schedule(*cases, RunOptions{});
  REQUIRE(order.ok());
  std::atomic<int> sent{0};
  Deps deps;
  deps.now = [] { return k_now; };
  deps.sleep = [](std::chrono::milliseconds) {};
  deps.send = [&](const http::Request& r) {
    ++sent;
    return verify_at(b, r, k_now).valid ? answered(200) : answered(401);
  };
  deps.send_raw = [](const Step&) { return answered(400); };
  RunOptions o;
  o.concurrency = 8;
  std::vector<size_t> positions;
  auto sum = run(b, *cases, *order, o, deps, [&](const CaseResult& r) { positions.push_back(r.run); }, {});
  CHECK(sum.cases == cases->size());
  CHECK(sum.findings == 0);
  REQUIRE(positions.size() == cases->size());
  for (size_t i = 0; i < positions.size(); ++i) CHECK(positions[i] == i);
  // One baseline per batch of 8 (rounded up), plus each case's deliveries.
  const int batches = static_cast<int>((cases->size() + 7) / 8);
  CHECK(sent.load() == static_cast<int>(cases->size()) + batches);
}

TEST_CASE("fuzz: with Base::new_id each delivery has a fresh id, except the replay cases' repeated one") {
  Base b = base_for("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  std::atomic<int> n{0};
  b.new_id = [&n] { return "msg_fresh" + std::to_string(++n); };
  auto cases = make_cases(b, all_families(), 1);
  REQUIRE(cases.ok());
  std::set<std::string> seen;
  for (const auto& c : *cases) {
    if (c.id == "signature.missing-header") continue; // no webhook-id header at all
    auto plan = c.build(k_now);
    REQUIRE(plan.ok());
    std::set<std::string> in_case;
    for (const auto& step : plan->steps) {
      const auto id = step.request.headers.get("webhook-id");
      REQUIRE(id.has_value());
      in_case.insert(std::string(*id));
    }
    INFO(c.id);
    if (c.family == Family::replay) {
      CHECK(in_case.size() == 1); // the same id twice, on purpose
    } else {
      CHECK(in_case.size() == plan->steps.size());
    }
    for (const auto& id : in_case) CHECK(seen.insert(id).second); // never one of an earlier case
  }
}

TEST_CASE("fuzz: Base::refresh gives each delivery fresh event ids (the replay cases share theirs)") {
  Base b = base_for("stripe", "whsec_test");
  std::atomic<int> n{0};
  b.refresh = [&n](std::string& body, util::Headers&) {
    const size_t at = body.find("evt_1");
    if (at != std::string::npos) body.replace(at, 5, "evt_x" + std::to_string(++n));
  };
  auto cases = make_cases(b, {Family::replay, Family::order, Family::payload}, 1);
  REQUIRE(cases.ok());
  for (const auto& c : *cases) {
    if (c.family == Family::payload && c.id != "payload.wrong-type/type") continue;
    auto plan = c.build(k_now);
    REQUIRE(plan.ok());
    std::set<std::string> ids;
    for (const auto& step : plan->steps) {
      const auto& body = step.request.body;
      const size_t at = body.find("evt_x");
      REQUIRE(at != std::string::npos);
      ids.insert(body.substr(at, body.find('"', at) - at));
      CHECK(verify_at(b, step.request, k_now).valid); // signed over the refreshed body
    }
    INFO(c.id);
    CHECK(ids.size() == (c.family == Family::replay ? 1u : plan->steps.size()));
  }
}
