// receiver::handle without sockets: verdicts (configured, detected, keyless, unsigned), each
// handshake, each scripted answer, forwarding over a fake transport, duplicates, and
// handle_and_capture answering 503 when the store fails.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/capture/store.hpp"
#include "hookctl/crypto/crypto.hpp"
#include "hookctl/receiver/receiver.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/encoding.hpp"

using namespace hookctl;
using namespace hookctl::receiver;

namespace {

constexpr int64_t k_now_s = 1'700'000'000;
const std::string k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // valid for every HMAC provider

Deps fake_deps(std::function<std::unique_ptr<http::Transport>()> transport = {}) {
  Deps d;
  d.now_us = [] { return k_now_s * 1'000'000 + 123'456; };
  auto counter = std::make_shared<std::atomic<int>>(0);
  d.random = [counter](size_t n) { return std::string(n, static_cast<char>('a' + (*counter)++ % 26)); };
  d.transport = std::move(transport);
  return d;
}

std::unique_ptr<Receiver> make(Config c, Deps d = fake_deps()) {
  auto r = Receiver::create(std::move(c), std::move(d));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return std::move(r).value();
}

// A request signed for `provider` with k_secret at k_now_s.
http::ServerRequest signed_request(const std::string& provider, const std::string& body,
                                   const std::string& target = "/hooks", const std::string& id = "evt_1") {
  http::ServerRequest req;
  req.method = "POST";
  req.target = target;
  req.version = "HTTP/1.1";
  req.remote = "127.0.0.1:5555";
  req.headers.add("Host", "127.0.0.1:8080");
  req.headers.add("Content-Type", "application/json");
  req.body = body;
  auto scheme = sign::make_scheme(provider);
  REQUIRE(scheme.ok());
  sign::SignRequest sr;
  sr.body = req.body;
  sr.headers = req.headers;
  sr.url = "http://127.0.0.1:8080" + target;
  sr.id = id;
  sr.timestamp = k_now_s;
  sr.keys.secrets = {k_secret};
  auto s = (*scheme)->sign(sr);
  REQUIRE(s.ok());
  for (const auto& [name, value] : s->headers.fields()) req.headers.add(name, value);
  // Twilio signs a JSON body by adding bodySHA256 to the URL: deliver to the URL it signed.
  const std::string origin = "http://127.0.0.1:8080";
  if (s->url.starts_with(origin)) req.target = s->url.substr(origin.size());
  return req;
}

http::ServerRequest plain(const std::string& method, const std::string& target, const std::string& body = "") {
  http::ServerRequest req;
  req.method = method;
  req.target = target;
  req.remote = "127.0.0.1:5555";
  req.headers.add("Host", "127.0.0.1:8080");
  req.body = body;
  return req;
}

// A transport that records what it was asked to send and answers as told.
struct FakeApp {
  std::vector<http::Request> seen;
  std::optional<http::Response> answer;
};
class FakeTransport : public http::Transport {
public:
  explicit FakeTransport(FakeApp& app) : m_app(app) {}
  http::Outcome send(const http::Request& request) override {
    m_app.seen.push_back(request);
    http::Outcome o;
    if (m_app.answer) {
      o.response = m_app.answer;
    } else {
      o.failure = http::Failure::connect;
      o.error = "cannot connect to 127.0.0.1:3000 (refused)";
    }
    return o;
  }

private:
  FakeApp& m_app;
};

} // namespace

TEST_CASE("receiver: a configured provider's valid, tampered and unsigned requests") {
  Config c;
  c.provider = "github";
  c.keys.secrets = {k_secret};
  auto rx = make(c);

  auto ok = rx->handle(signed_request("github", R"({"zen":"x"})"));
  CHECK(ok.verdict == Verdict::valid);
  CHECK(ok.response.status == 200);
  REQUIRE(ok.record.verification.has_value());
  CHECK(ok.record.verification->valid);
  CHECK(ok.record.verification->reason_code == "match");
  CHECK(ok.record.response->status == 200);
  CHECK(ok.record.received_at == "2023-11-14T22:13:20.123456Z");
  CHECK(ok.record.id.size() == 26);
  CHECK(ok.record.path == "/hooks");

  auto tampered = signed_request("github", R"({"zen":"x"})");
  tampered.body = R"({"zen":"y"})";
  auto bad = rx->handle(tampered);
  CHECK(bad.verdict == Verdict::invalid);
  CHECK(bad.response.status == 401);
  CHECK(bad.record.verification->reason_code == "no_match");
  CHECK(bad.record.response->status == 401);
  CHECK(bad.response.body.find(k_secret) == std::string::npos);

  // A configured provider: a request without its headers is invalid (missing header).
  auto missing = rx->handle(plain("POST", "/hooks", "{}"));
  CHECK(missing.verdict == Verdict::invalid);
  CHECK(missing.record.verification->reason_code == "missing_header");
  CHECK(missing.response.status == 401);

  // --on-invalid accept lets it through, still recorded as invalid.
  c.reject_invalid = false;
  auto lenient = make(c);
  auto accepted = lenient->handle(tampered);
  CHECK(accepted.verdict == Verdict::invalid);
  CHECK(accepted.response.status == 200);
}

TEST_CASE("receiver: the provider is detected from the headers; no key means unverified; none means unsigned") {
  Config c;
  c.keys.secrets = {k_secret};
  auto rx = make(c);
  for (std::string p :
       {"github", "stripe", "standard", "svix", "slack", "shopify", "twilio", "twitch", "square", "paddle", "gitlab"}) {
    CAPTURE(p);
    auto d = rx->handle(signed_request(p, R"({"type":"a.b","id":"evt_9"})"));
    REQUIRE(d.record.verification.has_value());
    CHECK(d.record.verification->provider == p);
    CHECK(d.verdict == Verdict::valid);
  }
  // GitLab's token is the secret itself: verified, then masked in the record (order kept).
  auto gitlab = rx->handle(signed_request("gitlab", "{}"));
  CHECK(gitlab.verdict == Verdict::valid);
  CHECK(gitlab.record.headers.get("X-Gitlab-Token") == "***");
  CHECK(capture::to_line(gitlab.record).find(k_secret) == std::string::npos);
  CHECK(detect_provider(util::Headers{{"x-hub-signature-256", "sha256=00"}}) == "github");
  CHECK(detect_provider(util::Headers{{"Content-Type", "text/plain"}}).empty());

  auto keyless = make(Config{});
  auto d = keyless->handle(signed_request("stripe", R"({"type":"invoice.paid","id":"evt_7"})"));
  CHECK(d.verdict == Verdict::unverified);
  CHECK(d.record.verification->reason_code == "no_key");
  CHECK(d.response.status == 200);
  CHECK(d.record.event_type == "invoice.paid");
  CHECK(d.record.delivery_id == "evt_7");

  auto u = keyless->handle(plain("PUT", "/x?y=1", "hello"));
  CHECK(u.verdict == Verdict::unsigned_);
  CHECK_FALSE(u.record.verification.has_value());
  CHECK(u.record.query == "y=1");
  CHECK(u.record.method == "PUT");
}

TEST_CASE("receiver: event types, delivery ids and duplicates") {
  Config c;
  c.keys.secrets = {k_secret};
  auto rx = make(c);
  auto gh = signed_request("github", "{}", "/hooks", "d-1");
  gh.headers.add("X-GitHub-Event", "pull_request");
  auto first = rx->handle(gh);
  CHECK(first.record.event_type == "pull_request");
  CHECK(first.record.delivery_id == "d-1");
  CHECK_FALSE(first.record.duplicate);
  auto again = rx->handle(gh);
  CHECK(again.record.duplicate);
  auto standard = signed_request("svix", R"({"type":"user.created"})", "/h", "msg_1");
  auto s1 = rx->handle(standard);
  CHECK(s1.record.delivery_id == "msg_1");
  CHECK(s1.record.event_type == "user.created");
  CHECK_FALSE(s1.record.duplicate);
}

TEST_CASE("receiver: every handshake is answered, captured and marked") {
  Config c;
  c.keys.secrets = {k_secret};
  c.verify_token = "tok";
  auto rx = make(c);

  auto slack = rx->handle(plain("POST", "/s", R"({"token":"x","challenge":"ch4llenge","type":"url_verification"})"));
  CHECK(slack.verdict == Verdict::handshake);
  CHECK(slack.response.status == 200);
  CHECK(slack.response.body == "ch4llenge");
  CHECK(slack.record.handshake == "slack.url_verification");

  auto twitch = plain("POST", "/t", R"({"challenge":"pogchamp-kappa","subscription":{}})");
  twitch.headers.add("Twitch-Eventsub-Message-Type", "webhook_callback_verification");
  auto t = rx->handle(twitch);
  CHECK(t.response.body == "pogchamp-kappa");
  CHECK(t.record.handshake == "twitch.webhook_callback_verification");

  auto zoom = rx->handle(
      plain("POST", "/z", R"({"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}})"));
  CHECK(zoom.response.status == 200);
  const std::string expected_token =
      util::hex_encode(crypto::hmac(crypto::Digest::sha256, k_secret, {"qgg8vlvZRS6UYooatFL8Aw"}));
  CHECK(zoom.response.body ==
        R"({"encryptedToken":")" + expected_token + R"(","plainToken":"qgg8vlvZRS6UYooatFL8Aw"})");

  auto meta = rx->handle(plain("GET", "/m?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=tok"));
  CHECK(meta.response.status == 200);
  CHECK(meta.response.body == "1158201444");
  auto meta_bad = rx->handle(plain("GET", "/m?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope"));
  CHECK(meta_bad.response.status == 403);

  auto graph = rx->handle(plain("POST", "/g?validationToken=Validation%3a+Testing"));
  CHECK(graph.response.status == 200);
  CHECK(graph.response.body == "Validation: Testing");

  auto dropbox = rx->handle(plain("GET", "/d?challenge=abc"));
  CHECK(dropbox.response.body == "abc");
  CHECK(dropbox.response.headers.get("X-Content-Type-Options") == "nosniff");
  CHECK(dropbox.record.handshake == "dropbox.challenge");

  // --no-handshake: a Slack challenge is an ordinary (unsigned) request.
  c.handshakes = false;
  auto off = make(c)->handle(plain("POST", "/s", R"({"challenge":"c","type":"url_verification"})"));
  CHECK(off.verdict != Verdict::handshake);
  CHECK(off.response.body.empty());
  // Zoom without a secret cannot answer.
  auto zoom_no_key = make(Config{})->handle(
      plain("POST", "/z", R"({"event":"endpoint.url_validation","payload":{"plainToken":"x"}})"));
  CHECK(zoom_no_key.response.status == 400);
}

TEST_CASE("receiver: scripted answers: status, respond, delay, fail-first, sequence, rates, seed") {
  auto status_of = [](Receiver& rx, const std::string& id) {
    auto req = plain("POST", "/x", "{}");
    req.headers.add("webhook-id", id);
    req.headers.add("webhook-signature", "v1,AAAA");
    req.headers.add("webhook-timestamp", std::to_string(k_now_s));
    return rx.handle(req).response.status;
  };
  Config c;
  c.script.status = 202;
  c.script.delay = std::chrono::milliseconds(250);
  auto plain_rx = make(c);
  auto d = plain_rx->handle(plain("POST", "/x", "{}"));
  CHECK(d.response.status == 202);
  CHECK(d.delay == std::chrono::milliseconds(250));

  Config r;
  r.script.respond = http::Response{201, {{"X-From", "file"}}, R"({"ok":true})"};
  auto resp = make(r)->handle(plain("POST", "/x", "{}"));
  CHECK(resp.response.status == 201);
  CHECK(resp.response.body == R"({"ok":true})");
  CHECK(resp.response.headers.get("X-From") == "file");

  Config ff;
  ff.script.fail_first = 2;
  ff.script.fail_status = 502;
  auto fail_first = make(ff);
  CHECK(status_of(*fail_first, "a") == 502);
  CHECK(status_of(*fail_first, "a") == 502);
  CHECK(status_of(*fail_first, "a") == 200);
  CHECK(status_of(*fail_first, "b") == 502); // per delivery id

  Config sq;
  sq.script.sequence = {500, 429, 200};
  auto seq = make(sq);
  CHECK(status_of(*seq, "a") == 500);
  CHECK(status_of(*seq, "b") == 500);
  CHECK(status_of(*seq, "a") == 429);
  CHECK(status_of(*seq, "a") == 200);
  CHECK(status_of(*seq, "a") == 200); // the last entry repeats
  sq.script.per_delivery = false;
  auto global = make(sq);
  CHECK(status_of(*global, "a") == 500);
  CHECK(status_of(*global, "b") == 429);

  // Rates: about the share asked for, and the same decisions for the same seed.
  auto run = [&](double fail_rate, double reset_rate, uint64_t seed) {
    Config rc;
    rc.script.fail_rate = fail_rate;
    rc.script.reset_rate = reset_rate;
    rc.script.seed = seed;
    auto rx = make(rc);
    std::vector<int> statuses;
    for (int i = 0; i < 1000; ++i) statuses.push_back(rx->handle(plain("POST", "/x", "{}")).response.status);
    return statuses;
  };
  auto a = run(0.3, 0.1, 42);
  CHECK(a == run(0.3, 0.1, 42));
  CHECK(a != run(0.3, 0.1, 43));
  long fails = std::count(a.begin(), a.end(), 503);
  long resets = std::count(a.begin(), a.end(), 0);
  CHECK(fails > 200);
  CHECK(fails < 330);
  CHECK(resets > 60);
  CHECK(resets < 140);

  Config badrate;
  badrate.script.fail_rate = 1.5;
  CHECK_FALSE(Receiver::create(badrate, fake_deps()).ok());
}

TEST_CASE("receiver: --path answers 404 outside the prefix") {
  Config c;
  c.path_prefix = "/webhooks";
  auto rx = make(c);
  CHECK(rx->handle(plain("POST", "/webhooks/github", "{}")).response.status == 200);
  auto out = rx->handle(plain("POST", "/other", "{}"));
  CHECK(out.response.status == 404);
  CHECK(out.verdict == Verdict::outside);
}

TEST_CASE("receiver: forwarding passes method, path, headers and body, and relays the app's answer") {
  FakeApp app;
  app.answer = http::Response{418, {{"X-App", "teapot"}, {"Connection", "close"}}, "short and stout"};
  Config c;
  c.provider = "github";
  c.keys.secrets = {k_secret};
  c.forward_to = "http://127.0.0.1:3000/app/";
  auto rx = make(c, fake_deps([&] { return std::make_unique<FakeTransport>(app); }));
  auto req = signed_request("github", R"({"a":1})", "/hooks/gh?x=1");
  req.headers.add("X-Dup", "1");
  req.headers.add("x-dup", "2");
  auto d = rx->handle(req);
  REQUIRE(app.seen.size() == 1);
  const auto& sent = app.seen[0];
  CHECK(sent.url == "http://127.0.0.1:3000/app/hooks/gh?x=1");
  CHECK(sent.method == "POST");
  CHECK(sent.body == R"({"a":1})");
  CHECK(sent.headers.count("X-Dup") == 2);
  CHECK(sent.headers.get("X-Hub-Signature-256") == req.headers.get("X-Hub-Signature-256"));
  CHECK_FALSE(sent.headers.get("Host").has_value());
  CHECK(d.response.status == 418);
  CHECK(d.response.body == "short and stout");
  CHECK(d.response.headers.get("X-App") == "teapot");
  CHECK_FALSE(d.response.headers.get("Connection").has_value());
  CHECK(d.record.response->status == 418);

  // Invalid deliveries are not forwarded; an unreachable app is a 502.
  auto tampered = req;
  tampered.body = "{}";
  CHECK(rx->handle(tampered).response.status == 401);
  CHECK(app.seen.size() == 1);
  app.answer.reset();
  auto down = rx->handle(req);
  CHECK(down.response.status == 502);
  CHECK(down.note.find("refused") != std::string::npos);
}

namespace {
// Fails every write with ENOSPC once `broken` is set.
class FullDisk : public capture::FileOps {
public:
  std::atomic<bool> broken{false};
  ssize_t write(int fd, const void* data, size_t size) override {
    if (broken) {
      errno = ENOSPC;
      return -1;
    }
    return capture::FileOps::write(fd, data, size);
  }
};
} // namespace

TEST_CASE("receiver::handle_and_capture: captured before answering; a failed capture is answered 503") {
  char tmpl[] = "/tmp/hookctl-rx-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::filesystem::path dir(tmpl);
  auto disk = std::make_shared<FullDisk>();
  capture::StoreOptions so;
  so.ops = disk;
  auto store = capture::Store::open((dir / "c.jsonl").string(), so);
  REQUIRE(store.ok());
  auto rx = make(Config{});

  auto ok = handle_and_capture(*rx, store->get(), plain("POST", "/a", "first"));
  CHECK(ok.response.status == 200);
  CHECK(ok.capture_error.empty());
  CHECK(ok.decision.record.seq == 1);

  disk->broken = true;
  auto full = handle_and_capture(*rx, store->get(), plain("POST", "/b", "second"));
  CHECK(full.response.status == 503);
  CHECK(full.response.headers.get("Retry-After") == "1");
  CHECK(full.capture_error.find("No space left") != std::string::npos);

  disk->broken = false;
  auto again = handle_and_capture(*rx, store->get(), plain("POST", "/c", "third"));
  CHECK(again.response.status == 200);
  CHECK(again.decision.record.seq == 2);
  store->reset();
  std::ifstream in(dir / "c.jsonl");
  std::string line;
  std::vector<std::string> bodies;
  while (std::getline(in, line)) {
    auto r = capture::parse_line(line);
    REQUIRE(r.ok());
    bodies.push_back(r->body);
  }
  CHECK(bodies == std::vector<std::string>{"first", "third"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("receiver: a signed handshake with a forged signature is refused, not answered") {
  Config c;
  c.provider = "slack";
  c.keys.secrets = {k_secret};
  auto rx = make(c);
  const std::string body = R"({"token":"x","challenge":"ch4llenge","type":"url_verification"})";
  auto good = rx->handle(signed_request("slack", body, "/s"));
  CHECK(good.verdict == Verdict::handshake);
  CHECK(good.response.body == "ch4llenge");
  auto forged = signed_request("slack", body, "/s");
  forged.body = R"({"token":"x","challenge":"evil","type":"url_verification"})";
  auto f = rx->handle(forged);
  CHECK(f.verdict == Verdict::invalid);
  CHECK(f.response.status == 401);
  CHECK(f.response.body.find("evil") == std::string::npos);
  // With --on-invalid accept the challenge is answered, as any invalid delivery would be accepted.
  c.reject_invalid = false;
  CHECK(make(c)->handle(forged).response.body == "evil");
  // Meta's check is not signed: a configured provider does not block it.
  c.reject_invalid = true;
  c.verify_token = "tok";
  auto meta = make(c)->handle(plain("GET", "/m?hub.mode=subscribe&hub.challenge=42&hub.verify_token=tok"));
  CHECK(meta.response.status == 200);
  CHECK(meta.response.body == "42");
  // The token is a secret: captured masked.
  CHECK(meta.record.query == "hub.mode=subscribe&hub.challenge=42&hub.verify_token=***");
}

TEST_CASE("receiver: keys are checked at startup; a detected provider without a usable key is unverified") {
  auto refused = [](Config c) {
    auto r = Receiver::create(std::move(c), fake_deps());
    return r.ok() ? std::string() : r.error().message;
  };
  Config bad_pub;
  bad_pub.keys.public_keys = {"zz"};
  CHECK(refused(bad_pub).find("Ed25519 public key") != std::string::npos);
  Config wrong_kind;
  wrong_kind.provider = "discord";
  wrong_kind.keys.secrets = {"abc"};
  CHECK(refused(wrong_kind).find("--public-key") != std::string::npos);
  Config not_whsec;
  not_whsec.provider = "standard";
  not_whsec.keys.secrets = {"not!!base64"};
  CHECK(refused(not_whsec).find("whsec_") != std::string::npos);
  CHECK(refused(not_whsec).find("not!!base64") == std::string::npos); // the secret is not shown
  Config fine;
  fine.provider = "github";
  fine.keys.secrets = {"dev-secret"};
  CHECK(refused(fine).empty());

  // Detected: a GitHub-style secret cannot check a Standard Webhooks delivery, nor Discord's.
  Config detect;
  detect.keys.secrets = {"dev-secret"};
  auto rx = make(detect);
  auto std_req = signed_request("standard", "{}");
  auto d = rx->handle(std_req);
  CHECK(d.verdict == Verdict::unverified);
  CHECK(d.record.verification->reason_code == "no_key");
  CHECK(d.response.status == 200);
  auto discord = plain("POST", "/d", R"({"type":1})");
  discord.headers.add("X-Signature-Ed25519", std::string(128, 'a'));
  discord.headers.add("X-Signature-Timestamp", std::to_string(k_now_s));
  auto dd = rx->handle(discord);
  CHECK(dd.verdict == Verdict::unverified);
  CHECK(dd.note.find("--public-key") != std::string::npos);
}

TEST_CASE("receiver: --path matches whole segments after removing dot segments") {
  Config c;
  c.path_prefix = "/hooks";
  auto rx = make(c);
  auto status = [&](const std::string& target) { return rx->handle(plain("POST", target, "{}")).response.status; };
  CHECK(status("/hooks") == 200);
  CHECK(status("/hooks/") == 200);
  CHECK(status("/hooks/github?x=1") == 200);
  CHECK(status("/hooks/a/../b") == 200);
  CHECK(status("/hooksX") == 404);
  CHECK(status("/hooks/../admin") == 404);
  CHECK(status("/hooks/%2e%2E/admin") == 404);
  CHECK(status("/other/../hooks/x") == 200);
  c.path_prefix = "/hooks/";
  CHECK(make(c)->handle(plain("POST", "/hooks", "{}")).response.status == 200);
}

TEST_CASE("receiver: absolute-form targets, --delay in the recorded latency, refused requests") {
  auto rx = make(Config{});
  auto abs = rx->handle(plain("POST", "http://example.test:8080/p/q?x=1", "{}"));
  CHECK(abs.record.path == "/p/q");
  CHECK(abs.record.query == "x=1");
  CHECK(rx->handle(plain("POST", "http://example.test", "{}")).record.path == "/");

  Config c;
  c.script.delay = std::chrono::milliseconds(250);
  auto delayed = make(c)->handle(plain("POST", "/x", "{}"));
  CHECK(delayed.delay == std::chrono::milliseconds(250));
  REQUIRE(delayed.record.response.has_value());
  CHECK(delayed.record.response->latency_ms >= 250.0);

  http::ServerError e;
  e.remote = "127.0.0.1:9";
  e.status = 413;
  e.reason = "the body is larger than 1024 bytes";
  auto head = std::make_shared<http::ServerRequest>(plain("POST", "/big?a=b"));
  head->headers.add("X-Gitlab-Token", "s3cret");
  e.request = head;
  auto r = refused_record(e, k_now_s * 1'000'000, std::string(10, 'x'));
  CHECK(r.method == "POST");
  CHECK(r.path == "/big");
  CHECK(r.query == "a=b");
  CHECK(r.refused == e.reason);
  CHECK(r.response->status == 413);
  CHECK(r.headers.get("X-Gitlab-Token") == "***");
  auto line = capture::to_line(r);
  CHECK(line.find(R"("refused":"the body is larger than 1024 bytes")") != std::string::npos);
  auto back = capture::parse_line(line);
  REQUIRE(back.ok());
  CHECK(back->refused == r.refused);
}

TEST_CASE("receiver: forwarding drops the headers a Connection header names, both ways") {
  FakeApp app;
  app.answer = http::Response{200, {{"Connection", "X-App-Hop"}, {"X-App-Hop", "1"}, {"X-Kept", "2"}}, ""};
  Config c;
  c.forward_to = "http://127.0.0.1:3000";
  auto rx = make(c, fake_deps([&] { return std::make_unique<FakeTransport>(app); }));
  auto req = plain("POST", "/x", "{}");
  req.headers.add("Connection", "keep-alive, X-Hop");
  req.headers.add("X-Hop", "secret-ish");
  req.headers.add("X-Stay", "1");
  auto d = rx->handle(req);
  REQUIRE(app.seen.size() == 1);
  CHECK_FALSE(app.seen[0].headers.get("X-Hop").has_value());
  CHECK_FALSE(app.seen[0].headers.get("Connection").has_value());
  CHECK(app.seen[0].headers.get("X-Stay") == "1");
  CHECK_FALSE(d.response.headers.get("X-App-Hop").has_value());
  CHECK(d.response.headers.get("X-Kept") == "2");
}

TEST_CASE("receiver: unsigned handshakes under a configured provider carry no verification; event names") {
  Config c;
  c.provider = "slack";
  c.keys.secrets = {k_secret};
  auto rx = make(c);
  auto dropbox = rx->handle(plain("GET", "/d?challenge=abc"));
  CHECK(dropbox.verdict == Verdict::handshake);
  CHECK_FALSE(dropbox.record.verification.has_value());

  auto detect = make(Config{});
  auto discord = plain("POST", "/d", R"({"type":2,"data":{"name":"ping"}})");
  discord.headers.add("X-Signature-Ed25519", std::string(128, 'a'));
  discord.headers.add("X-Signature-Timestamp", "1");
  CHECK(detect->handle(discord).record.event_type == "APPLICATION_COMMAND");
  auto slash = plain("POST", "/s", "token=x&command=%2Fweather&text=paris");
  slash.headers.add("X-Slack-Signature", "v0=00");
  slash.headers.add("X-Slack-Request-Timestamp", "1");
  CHECK(detect->handle(slash).record.event_type == "command /weather");
}
