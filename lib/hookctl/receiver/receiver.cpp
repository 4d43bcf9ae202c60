#include "hookctl/receiver/receiver.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/crypto/crypto.hpp"
#include "hookctl/http/wire.hpp"
#include "hookctl/sign/keys.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::receiver {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Delivery ids remembered for duplicate detection; the oldest are forgotten beyond this.
constexpr size_t k_max_remembered = 100000;

// Where a provider puts its event type and delivery id: a header, or a dotted JSON path.
struct Facts {
  std::string_view provider;
  std::string_view event_header;
  std::string_view event_path;
  std::string_view id_header;
  std::string_view id_path;
};

constexpr Facts k_facts[] = {
    {"github", "X-GitHub-Event", "", "X-GitHub-Delivery", ""},
    {"stripe", "", "type", "", "id"},
    {"standard", "", "type", "webhook-id", ""},
    {"svix", "", "type", "svix-id", ""},
    {"slack", "", "event.type", "", "event_id"},
    {"shopify", "X-Shopify-Topic", "", "X-Shopify-Webhook-Id", ""},
    {"twilio", "", "", "I-Twilio-Idempotency-Token", ""},
    {"discord", "", "event.type", "", ""},
    {"gitlab", "X-Gitlab-Event", "", "X-Gitlab-Event-UUID", ""},
    {"twitch", "Twitch-Eventsub-Subscription-Type", "", "Twitch-Eventsub-Message-Id", ""},
    {"square", "", "type", "", "event_id"},
    {"paddle", "", "event_type", "", "event_id"},
};

const Facts* facts_of(std::string_view provider) {
  for (const auto& f : k_facts) {
    if (f.provider == provider) return &f;
  }
  return nullptr;
}

// The string (or number) at dotted `path` in `doc`, or "".
std::string json_at(const json& doc, std::string_view path) {
  const json* cur = &doc;
  for (auto part : util::split(path, '.')) {
    if (!cur->is_object()) return "";
    auto it = cur->find(std::string(part));
    if (it == cur->end()) return "";
    cur = &*it;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_number_integer()) return std::to_string(cur->get<int64_t>());
  return "";
}

// The body as JSON when it is a JSON object, else null.
json parse_object(std::string_view body) {
  if (body.empty() || (body.front() != '{' && body.find('{') == std::string_view::npos)) return nullptr;
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return nullptr;
  return doc;
}

// The value of query parameter `name` in `query` (form-decoded), if present.
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  for (auto pair : util::split(query, '&')) {
    auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    if (eq == std::string_view::npos) return std::string();
    auto value = util::form_decode(pair.substr(eq + 1));
    return value ? *value : std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

// The event type and delivery id of a request for `provider` ("" when not known).
std::pair<std::string, std::string> event_and_id(std::string_view provider, const util::Headers& headers,
                                                 const json& doc, std::string_view body) {
  std::string event, id;
  if (const Facts* f = facts_of(provider)) {
    if (!f->event_header.empty()) event = std::string(headers.get(f->event_header).value_or(""));
    if (!f->event_path.empty() && !doc.is_null()) event = json_at(doc, f->event_path);
    if (!f->id_header.empty()) id = std::string(headers.get(f->id_header).value_or(""));
    if (!f->id_path.empty() && !doc.is_null()) id = json_at(doc, f->id_path);
  }
  if (provider == "slack" && event.empty() && !doc.is_null()) event = json_at(doc, "type");
  if (provider == "discord" && !doc.is_null()) {
    const std::string type = json_at(doc, "type");
    if (type == "0" && !doc.contains("data")) event = "PING"; // a webhook event's endpoint check
    // An interaction (no "event" object): its numeric type by name, as Discord's docs list them.
    if (event.empty()) {
      static constexpr std::string_view k_interactions[] = {
          "", "PING", "APPLICATION_COMMAND", "MESSAGE_COMPONENT", "APPLICATION_COMMAND_AUTOCOMPLETE", "MODAL_SUBMIT"};
      long long n = 0;
      if (util::parse_int64(type, n) && n >= 1 && n <= 5) event = std::string(k_interactions[n]);
    }
  }
  if (provider == "slack" && event.empty() && doc.is_null()) {
    // A slash command or an interactive payload arrives as a form.
    if (auto command = query_param(body, "command"))
      event = "command " + *command;
    else if (query_param(body, "payload"))
      event = "interactive";
  }
  if (provider == "twilio") {
    if (body.find("CallSid=") != std::string_view::npos)
      event = "call";
    else if (body.find("MessageSid=") != std::string_view::npos)
      event = "message";
  }
  if (event.empty() && !doc.is_null()) {
    for (auto path : {"type", "event_type", "event"}) {
      event = json_at(doc, path);
      if (!event.empty()) break;
    }
  }
  return {event, id};
}

// Whether `keys` hold material `info`'s scheme can verify with: an HMAC secret or token, an
// Ed25519 key, or (Standard Webhooks) either, where the secret must decode as whsec_ + base64.
bool usable_keys(const sign::ProviderInfo& info, const sign::Keys& keys) {
  const bool ed25519 = !keys.public_keys.empty() || !keys.private_keys.empty();
  switch (info.key_kind) {
  case sign::KeyKind::secret:
  case sign::KeyKind::token: return !keys.secrets.empty();
  case sign::KeyKind::ed25519: return ed25519;
  case sign::KeyKind::secret_or_ed25519:
    if (ed25519) return true;
    for (const auto& s : keys.secrets) {
      if (sign::decode_whsec(s)) return true;
    }
    return false;
  }
  return false;
}

// The flag that gives `info`'s kind of key, for messages.
std::string_view key_flag(const sign::ProviderInfo& info) {
  switch (info.key_kind) {
  case sign::KeyKind::ed25519: return "--public-key (an Ed25519 key)";
  case sign::KeyKind::secret_or_ed25519: return "--secret whsec_... or --public-key";
  default: return "--secret";
  }
}

// `path` with dot segments removed (RFC 3986 5.2.4), "%2e" counted as '.', so that /hooks/../admin
// is compared as /admin.
std::string normalize_path(std::string_view path) {
  std::vector<std::string> out;
  bool trailing = false;
  for (auto seg : util::split(path, '/')) {
    std::string lower;
    for (size_t i = 0; i < seg.size(); ++i) {
      if (i + 2 < seg.size() && seg[i] == '%' && seg[i + 1] == '2' && (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
        lower += '.';
        i += 2;
      } else {
        lower += seg[i];
      }
    }
    trailing = false;
    if (lower == ".") {
      trailing = true;
    } else if (lower == "..") {
      if (!out.empty()) out.pop_back();
      trailing = true;
    } else if (!seg.empty()) {
      out.emplace_back(seg);
    } else {
      trailing = true;
    }
  }
  std::string joined;
  for (const auto& seg : out) joined += "/" + seg;
  if (joined.empty() || (trailing && !path.empty() && path != "/")) joined += "/";
  return joined;
}

// Whether `path` is `prefix` or below it, by whole segments: /hooks serves /hooks and /hooks/x,
// not /hooksX.
bool under_prefix(std::string_view path, std::string_view prefix) {
  const std::string norm = normalize_path(path);
  std::string_view p = prefix;
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  if (p == "/") return true;
  return norm == p || (norm.starts_with(p) && norm.size() > p.size() && norm[p.size()] == '/');
}

// `query` with the value of hub.verify_token masked: the token is a secret.
std::string mask_verify_token(std::string_view query) {
  std::string out;
  for (auto pair : util::split(query, '&')) {
    if (!out.empty()) out += '&';
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && util::form_decode(pair.substr(0, eq)).value_or("") == "hub.verify_token")
      out += std::string(pair.substr(0, eq + 1)) + "***";
    else
      out += pair;
  }
  return out;
}

// The request's fields of a record: id, time, peer, method, path and query (an absolute-form target
// "http://host/p?q" gives /p and q), headers (those carrying a secret masked) and body.
void start_record(capture::Record& r, const http::ServerRequest& request, int64_t now_us, std::string_view random10) {
  r.id = capture::make_record_id(now_us / 1000, random10);
  r.received_at = capture::format_received_at(now_us);
  r.remote = request.remote;
  r.method = request.method;
  std::string_view target = request.target;
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (r.path.empty()) r.path = "/";
  r.query = q == std::string_view::npos ? "" : mask_verify_token(target.substr(q + 1));
  r.headers = request.headers;
  // A header that carries the secret itself is never captured or logged.
  r.headers.mask(sign::is_secret_header, "***");
  r.body = request.body;
}

http::Response text(int status, std::string body) {
  http::Response r;
  r.status = status;
  if (!body.empty()) r.headers.add("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

class ReceiverImpl final : public Receiver {
public:
  ReceiverImpl(Config config, Deps deps)
      : m_config(std::move(config)), m_deps(std::move(deps)), m_rng(m_config.script.seed) {}

  Result<void> init() {
    if (!m_config.provider.empty()) HOOKCTL_TRY(scheme_for(m_config.provider));
    HOOKCTL_TRY(check_keys());
    if (!m_config.forward_to.empty()) {
      HOOKCTL_TRY(http::parse_url(m_config.forward_to));
      if (!m_deps.transport) return make_error(Errc::internal, "forwarding needs a transport");
    }
    const auto& s = m_config.script;
    for (double rate : {s.fail_rate, s.reset_rate}) {
      if (!(rate >= 0 && rate <= 1)) return make_error(Errc::usage, "--fail-rate and --reset-rate take 0 to 1");
    }
    return {};
  }

  Decision handle(const http::ServerRequest& request) override {
    Decision d;
    try {
      decide(request, d);
    } catch (const std::exception& e) {
      d.response = text(500, "hookctl: internal error\n");
      d.note = fmt::format("internal error: {}", e.what());
    }
    return d;
  }

private:
  // Refuses keys that cannot work, at startup rather than on every request: a malformed Ed25519 key,
  // and with --provider, keys of the wrong kind or a Standard Webhooks secret that is not whsec_.
  Result<void> check_keys() const {
    const sign::Keys& k = m_config.keys;
    auto ed = sign::verification_keys(k.public_keys, k.private_keys);
    if (!ed) return make_error(Errc::usage, ed.error().message);
    if (m_config.provider.empty()) return {};
    const sign::ProviderInfo* info = sign::find_provider(m_config.provider);
    const bool any = !k.secrets.empty() || !k.public_keys.empty() || !k.private_keys.empty();
    if (!info || !any) return {};
    if (info->key_kind == sign::KeyKind::secret_or_ed25519) {
      for (const auto& secret : k.secrets) {
        if (auto d = sign::decode_whsec(secret); !d)
          return make_error(Errc::usage, fmt::format("--secret for {}: {}", info->name, d.error().message));
      }
    }
    if (!usable_keys(*info, k))
      return make_error(Errc::usage, fmt::format("{} verifies with {}", info->name, key_flag(*info)));
    return {};
  }

  Result<const sign::Scheme*> scheme_for(const std::string& provider) {
    std::lock_guard lock(m_mutex);
    auto it = m_schemes.find(provider);
    if (it != m_schemes.end()) return it->second.get();
    HOOKCTL_TRY_ASSIGN(auto scheme, sign::make_scheme(provider, m_config.scheme_options));
    return m_schemes.emplace(provider, std::move(scheme)).first->second.get();
  }

  void decide(const http::ServerRequest& request, Decision& d) {
    const auto started = Clock::now();
    const int64_t now_us = m_deps.now_us();
    capture::Record& r = d.record;
    start_record(r, request, now_us, m_deps.random(10));
    auto finish = [&] {
      // The latency recorded is the one the sender sees: the decision plus the scripted --delay.
      capture::RecordedResponse rr;
      rr.status = d.response.status;
      rr.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - started + d.delay).count();
      // What was answered, when there is more than a status (an app's answer, --respond): replay
      // --compare-body compares with it.
      if (!d.response.body.empty() || !d.response.headers.empty()) {
        rr.headers = d.response.headers;
        rr.body = d.response.body;
      }
      r.response = std::move(rr);
      if (d.response.status == 0) r.response.reset();
    };

    if (!m_config.path_prefix.empty() && !under_prefix(r.path, m_config.path_prefix)) {
      d.verdict = Verdict::outside;
      d.note = fmt::format("not under {}", m_config.path_prefix);
      d.response =
          text(404, fmt::format("hookctl: nothing at {} (listening under {})\n", r.path, m_config.path_prefix));
      return finish();
    }

    const json doc = parse_object(request.body);
    const std::string provider = m_config.provider.empty() ? detect_provider(request.headers) : m_config.provider;
    auto [event, id] = event_and_id(provider, request.headers, doc, request.body);
    r.event_type = event;
    r.delivery_id = id;
    if (!id.empty()) r.duplicate = remember(provider + "\n" + id);
    verify(request, provider, d);

    const Verdict checked = d.verdict;
    const std::string checked_note = d.note;
    const size_t q = request.target.find('?');
    const std::string raw_query = q == std::string::npos ? "" : request.target.substr(q + 1);
    if (m_config.handshakes && handshake(request, raw_query, doc, d)) {
      // Slack's and Twitch's checks are signed like any delivery: a forged one is not answered.
      const bool signed_check = r.handshake.starts_with("slack.") || r.handshake.starts_with("twitch.");
      if (!(signed_check && checked == Verdict::invalid && m_config.reject_invalid)) {
        d.verdict = Verdict::handshake;
        // Meta's, Microsoft Graph's, Dropbox's and Zoom's checks carry no signature of the
        // configured provider: recording one as missing would only mislead verify --capture.
        if (!signed_check) r.verification.reset();
        return finish();
      }
      d.verdict = checked;
      d.note = checked_note;
    }
    if (d.verdict == Verdict::invalid && m_config.reject_invalid) {
      d.response = text(401, fmt::format("hookctl: signature invalid: {}\n", r.verification->reason));
      return finish();
    }
    if (!scripted(id, d)) return finish();
    if (!m_config.forward_to.empty()) forward(request, d);
    finish();
  }

  // True when `key` was seen before; remembers it.
  bool remember(const std::string& key) {
    std::lock_guard lock(m_mutex);
    if (m_seen.count(key) != 0) return true;
    m_seen.insert(key);
    m_seen_order.push_back(key);
    if (m_seen_order.size() > k_max_remembered) {
      m_seen.erase(m_seen_order.front());
      m_seen_order.pop_front();
    }
    return false;
  }

  void verify(const http::ServerRequest& request, const std::string& provider, Decision& d) {
    capture::Record& r = d.record;
    if (provider.empty()) {
      d.verdict = Verdict::unsigned_;
      return;
    }
    capture::Verification v;
    v.provider = provider;
    const sign::ProviderInfo* info = sign::find_provider(provider);
    const bool keyless =
        m_config.keys.secrets.empty() && m_config.keys.public_keys.empty() && m_config.keys.private_keys.empty();
    if (keyless || (info && !usable_keys(*info, m_config.keys))) {
      v.valid = false;
      v.reason = keyless || !info ? std::string("not verified: no secret given")
                                  : fmt::format("not verified: {} needs {}", provider, key_flag(*info));
      v.reason_code = "no_key";
      d.verdict = Verdict::unverified;
      d.note = v.reason;
      r.verification = v;
      return;
    }
    auto scheme = scheme_for(provider);
    if (!scheme) {
      v.reason = scheme.error().message;
      v.reason_code = "error";
      d.verdict = Verdict::invalid;
      d.note = v.reason;
      r.verification = v;
      return;
    }
    sign::VerifyRequest vr;
    vr.body = request.body;
    vr.headers = request.headers;
    const auto host = request.headers.get("Host");
    const bool absolute = request.target.starts_with("http://") || request.target.starts_with("https://");
    vr.url = absolute
                 ? request.target
                 : fmt::format("{}://{}{}", request.tls ? "https" : "http", host.value_or("localhost"), request.target);
    vr.method = request.method;
    vr.now = m_deps.now_us() / 1000000;
    vr.tolerance = m_config.tolerance;
    vr.keys = m_config.keys;
    auto verdict = (*scheme)->verify(vr);
    if (!verdict) {
      v.valid = false;
      v.reason = verdict.error().message;
      v.reason_code = "error";
    } else {
      v.valid = verdict->valid;
      v.reason = verdict->detail;
      v.reason_code = std::string(sign::reason_code(verdict->reason));
    }
    d.verdict = v.valid ? Verdict::valid : Verdict::invalid;
    d.note = v.reason;
    r.verification = v;
  }

  // Answers a provider's endpoint check; true when `request` was one.
  bool handshake(const http::ServerRequest& request, const std::string& query, const json& doc, Decision& d) {
    capture::Record& r = d.record;
    auto answer = [&](std::string name, http::Response response, std::string note) {
      r.handshake = std::move(name);
      d.response = std::move(response);
      d.note = std::move(note);
      return true;
    };
    if (!doc.is_null()) {
      if (json_at(doc, "type") == "url_verification" && doc.contains("challenge")) {
        return answer("slack.url_verification", text(200, json_at(doc, "challenge")), "Slack challenge answered");
      }
      auto type = request.headers.get("Twitch-Eventsub-Message-Type");
      if (type && *type == "webhook_callback_verification") {
        return answer("twitch.webhook_callback_verification", text(200, json_at(doc, "challenge")),
                      "Twitch challenge answered");
      }
      if (json_at(doc, "event") == "endpoint.url_validation") {
        const std::string plain = json_at(doc, "payload.plainToken");
        if (m_config.keys.secrets.empty())
          return answer("zoom.endpoint.url_validation",
                        text(400, "hookctl: Zoom URL validation needs --secret (the app's secret token)\n"),
                        "Zoom validation refused: no --secret");
        json out = {{"plainToken", plain},
                    {"encryptedToken",
                     util::hex_encode(crypto::hmac(crypto::Digest::sha256, m_config.keys.secrets.front(), {plain}))}};
        http::Response res;
        res.status = 200;
        res.headers.add("Content-Type", "application/json");
        res.body = out.dump();
        return answer("zoom.endpoint.url_validation", std::move(res), "Zoom URL validation answered");
      }
    }
    if (auto mode = query_param(query, "hub.mode"); mode && *mode == "subscribe") {
      auto challenge = query_param(query, "hub.challenge").value_or("");
      auto token = query_param(query, "hub.verify_token").value_or("");
      if (m_config.verify_token.empty())
        return answer("meta.hub.challenge", text(403, "hookctl: set --verify-token to answer Meta's verification\n"),
                      "Meta verification refused: no --verify-token");
      if (!crypto::ct_equal(token, m_config.verify_token))
        return answer("meta.hub.challenge", text(403, "hookctl: hub.verify_token does not match\n"),
                      "Meta verification refused: wrong hub.verify_token");
      return answer("meta.hub.challenge", text(200, challenge), "Meta verification answered");
    }
    if (auto token = query_param(query, "validationToken")) {
      return answer("msgraph.validationToken", text(200, *token), "Microsoft Graph validation answered");
    }
    if (request.method == "GET") {
      if (auto challenge = query_param(query, "challenge")) {
        http::Response res = text(200, *challenge);
        res.headers.add("X-Content-Type-Options", "nosniff");
        return answer("dropbox.challenge", std::move(res), "Dropbox challenge answered");
      }
    }
    return false;
  }

  // Applies the script; false when it decided a failure (or reset), true to answer normally.
  bool scripted(const std::string& id, Decision& d) {
    const Script& s = m_config.script;
    d.delay = s.delay;
    uint64_t attempt = 0;
    double reset_draw = 1, fail_draw = 1;
    {
      std::lock_guard lock(m_mutex);
      const std::string key = s.per_delivery && !id.empty() ? id : std::string();
      attempt = ++m_attempts[key];
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      if (s.reset_rate > 0) reset_draw = unit(m_rng);
      if (s.fail_rate > 0) fail_draw = unit(m_rng);
    }
    if (reset_draw < s.reset_rate) {
      d.response.status = 0;
      d.note = "scripted reset (--reset-rate)";
      return false;
    }
    if (!s.sequence.empty()) {
      const int status = s.sequence[std::min<size_t>(attempt - 1, s.sequence.size() - 1)];
      d.response = text(status, "");
      d.note = fmt::format("scripted: attempt {} of the sequence", attempt);
      return status >= 200 && status <= 299; // a 2xx entry goes on (to the app, when forwarding)
    }
    if (attempt <= s.fail_first) {
      d.response = text(s.fail_status, "");
      d.note = fmt::format("scripted failure: attempt {} of --fail-first {}", attempt, s.fail_first);
      return false;
    }
    if (fail_draw < s.fail_rate) {
      d.response = text(s.fail_status, "");
      d.note = "scripted failure (--fail-rate)";
      return false;
    }
    if (s.respond) {
      d.response = *s.respond;
    } else {
      d.response = text(s.status, "");
    }
    return true;
  }

  std::unique_ptr<http::Transport> take_transport() {
    {
      std::lock_guard lock(m_mutex);
      if (!m_transports.empty()) {
        auto t = std::move(m_transports.back());
        m_transports.pop_back();
        return t;
      }
    }
    return m_deps.transport();
  }

  void forward(const http::ServerRequest& request, Decision& d) {
    http::Request out;
    out.method = request.method;
    std::string base = m_config.forward_to;
    auto q = base.find('?');
    std::string base_query = q == std::string::npos ? "" : base.substr(q + 1);
    if (q != std::string::npos) base.resize(q);
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string target = request.target;
    if (target.empty() || target.front() != '/') target = "/" + target;
    out.url = base + target;
    if (!base_query.empty()) out.url += (target.find('?') == std::string::npos ? "?" : "&") + base_query;
    out.headers = http::end_to_end(request.headers);
    out.body = request.body;
    auto transport = take_transport();
    http::Outcome outcome = transport->send(out);
    {
      std::lock_guard lock(m_mutex);
      m_transports.push_back(std::move(transport));
    }
    if (!outcome.response) {
      d.response = text(502, fmt::format("hookctl: cannot reach {}: {}\n", m_config.forward_to, outcome.error));
      d.note = fmt::format("forward failed: {}", outcome.error);
      return;
    }
    http::Response back;
    back.status = outcome.response->status;
    back.headers = http::end_to_end(outcome.response->headers);
    back.body = std::move(outcome.response->body);
    d.note = fmt::format("forwarded: the app answered {} in {:.1f} ms", back.status,
                         std::chrono::duration<double, std::milli>(outcome.latency).count());
    d.response = std::move(back);
  }

  Config m_config;
  Deps m_deps;
  std::mutex m_mutex; // guards everything below
  std::map<std::string, std::unique_ptr<sign::Scheme>> m_schemes;
  std::unordered_set<std::string> m_seen;
  std::deque<std::string> m_seen_order;
  std::map<std::string, uint64_t> m_attempts;
  std::mt19937_64 m_rng;
  std::vector<std::unique_ptr<http::Transport>> m_transports;
};

} // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
  case Verdict::valid: return "valid";
  case Verdict::invalid: return "invalid";
  case Verdict::unsigned_: return "unsigned";
  case Verdict::unverified: return "unverified";
  case Verdict::handshake: return "handshake";
  case Verdict::outside: return "outside";
  }
  return "unsigned";
}

std::string detect_provider(const util::Headers& headers) {
  for (const auto& p : sign::providers()) {
    if (p.name == "hmac") continue; // the generic scheme has no fixed headers to recognise
    for (auto h : p.headers) {
      if (headers.get(h)) return std::string(p.name);
    }
  }
  return "";
}

capture::Record refused_record(const http::ServerError& error, int64_t now_us, std::string_view random10) {
  capture::Record r;
  if (error.request) start_record(r, *error.request, now_us, random10);
  r.remote = error.remote;
  r.refused = error.reason;
  if (error.status > 0) {
    r.response.emplace();
    r.response->status = error.status;
  }
  return r;
}

Handled handle_and_capture(Receiver& receiver, capture::Store* store, const http::ServerRequest& request) {
  Handled h;
  h.decision = receiver.handle(request);
  h.response = h.decision.response;
  if (store) {
    auto appended = store->append(h.decision.record);
    if (!appended) {
      h.capture_error = appended.error().message;
      h.response = http::Response{
          503, {{"Retry-After", "1"}, {"Content-Type", "text/plain"}}, "hookctl: capture failed; try again\n"};
    }
  }
  return h;
}

Result<std::unique_ptr<Receiver>> Receiver::create(Config config, Deps deps) {
  if (!deps.now_us || !deps.random) return make_error(Errc::internal, "receiver: a clock and randomness are needed");
  auto r = std::make_unique<ReceiverImpl>(std::move(config), std::move(deps));
  HOOKCTL_TRY(r->init());
  return std::unique_ptr<Receiver>(std::move(r));
}

} // namespace hookctl::receiver
