#include "hookctl/fuzz/cases.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/sign/ids.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::fuzz {

namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t k_day = 86400;

// SplitMix64: a small deterministic generator (the same cases for the same seed everywhere).
class Rng {
public:
  explicit Rng(uint64_t seed) : m_state(seed) {}
  uint64_t next() {
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  std::string bytes(size_t n) {
    std::string out;
    while (out.size() < n) {
      uint64_t v = next();
      for (int i = 0; i < 8 && out.size() < n; ++i, v >>= 8) out.push_back(static_cast<char>(v & 0xff));
    }
    return out;
  }

private:
  uint64_t m_state;
};

// The header that carries the signature itself (the one forgeries tamper with).
std::string signature_header(const sign::ProviderInfo& info) {
  for (auto h : info.headers) {
    const std::string lower = util::to_lower(h);
    if (lower.find("signature") != std::string::npos || lower.find("hmac") != std::string::npos ||
        lower.find("token") != std::string::npos)
      return std::string(h);
  }
  return info.headers.empty() ? std::string() : std::string(info.headers.front());
}

// Keys of the same kind that are not the user's.
sign::Keys wrong_keys(const sign::Keys& keys, Rng& rng) {
  sign::Keys wrong;
  for (const auto& s : keys.secrets) {
    if (s.starts_with("whsec_"))
      wrong.secrets.push_back("whsec_" + util::base64_encode(rng.bytes(24)));
    else
      wrong.secrets.push_back("hookctl-fuzz-wrong-" + util::hex_encode(rng.bytes(8)));
  }
  for (size_t i = 0; i < keys.private_keys.size(); ++i) wrong.private_keys.push_back(util::hex_encode(rng.bytes(32)));
  return wrong;
}

// `body` with one letter or digit changed, chosen by `rng` (the JSON stays valid); nullopt when it
// has none.
std::optional<std::string> flip_one_byte(std::string body, Rng& rng) {
  std::vector<size_t> spots;
  for (size_t i = 0; i < body.size(); ++i)
    if (std::isalnum(static_cast<unsigned char>(body[i]))) spots.push_back(i);
  if (spots.empty()) {
    if (body.empty()) return std::nullopt;
    body[rng.below(body.size())] ^= 0x01;
    return body;
  }
  const size_t at = spots[rng.below(spots.size())];
  const char c = body[at];
  body[at] = std::isdigit(static_cast<unsigned char>(c)) ? (c == '9' ? '0' : static_cast<char>(c + 1))
                                                         : (c == 'z' || c == 'Z' ? 'a' : static_cast<char>(c + 1));
  return body;
}

// The value of a header with its scheme version changed ("sha256=" -> "sha512=", "v1," -> "v9,").
std::optional<std::string> other_version(const std::string& value) {
  for (auto [from, to] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"sha256=", "sha512="}, {"v1=", "v9="}, {"v1,", "v9,"}, {"v0=", "v9="}, {"h1=", "h9="}, {"v1a,", "v9a,"}}) {
    const size_t at = value.find(from);
    if (at != std::string::npos) return value.substr(0, at) + std::string(to) + value.substr(at + from.size());
  }
  return std::nullopt;
}

// Leaf and object members of a JSON document, as JSON pointers, in document order (two levels deep,
// at most `limit`).
void member_paths(const Json& j, const std::string& prefix, int depth, size_t limit, std::vector<std::string>& out) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end() && out.size() < limit; ++it) {
    std::string key = it.key();
    std::string escaped;
    for (char c : key) escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    const std::string path = prefix + "/" + escaped;
    out.push_back(path);
    if (depth > 0) member_paths(it.value(), path, depth - 1, limit, out);
  }
}

// A value of another JSON type than `v`.
Json wrong_type(const Json& v) {
  if (v.is_string()) return 12345;
  if (v.is_number()) return "12345";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_object()) return Json::array({1, 2});
  if (v.is_array()) return Json::object({{"hookctl_fuzz", true}});
  return "null";
}

std::string nest(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class Builder {
public:
  Builder(const Base& base, uint64_t seed) : m_base(base), m_seed(seed) {}

  Result<std::vector<Case>> build(const std::vector<Family>& families) {
    if (!m_base.provider.empty()) {
      m_info = sign::find_provider(m_base.provider);
      if (m_info == nullptr) return make_error(Errc::usage, fmt::format("unknown provider '{}'", m_base.provider));
      HOOKCTL_TRY(sign_delivery(m_base, m_base.body, 1'700'000'000)); // the keys sign at all
      m_headers = m_info->headers;
      m_sig = signature_header(*m_info);
      if (m_base.provider == "hmac") { // the generic scheme's headers are options
        const auto& h = m_base.scheme_options.hmac;
        m_sig = h.header;
        m_headers = {h.header, h.id_header, h.timestamp_header};
      }
    }
    for (Family f : all_families()) {
      if (std::find(families.begin(), families.end(), f) == families.end()) continue;
      switch (f) {
      case Family::signature: signature(); break;
      case Family::replay: replay(); break;
      case Family::payload: payload(); break;
      case Family::http: http(); break;
      case Family::slow: slow(); break;
      case Family::order: order(); break;
      }
    }
    for (size_t i = 0; i < m_cases.size(); ++i) m_cases[i].index = i;
    return std::move(m_cases);
  }

private:
  // A per-case generator: the same case gets the same bytes whatever else is selected.
  Rng rng_for(std::string_view id) const {
    uint64_t h = m_seed ^ 0xcbf29ce484222325ULL;
    for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
    return Rng(h);
  }
  // The id a case's repeated deliveries share: a fresh one when the base makes them.
  static std::string one_id(const Base& base) { return base.new_id ? base.new_id() : base.id; }

  void add(std::string id, Family family, std::string description, Expect expect,
           std::function<Result<Plan>(int64_t)> make, bool stale = false, bool note_only = false) {
    Case c;
    c.id = fmt::format("{}.{}", family_name(family), id);
    c.family = family;
    c.description = std::move(description);
    c.expect = expect;
    c.stale = stale;
    c.note_only = note_only;
    c.build = std::move(make);
    m_cases.push_back(std::move(c));
  }

  // A case of one request made by `make` at `now`.
  static std::function<Result<Plan>(int64_t)> one(std::function<Result<http::Request>(int64_t)> make) {
    return [make = std::move(make)](int64_t now) -> Result<Plan> {
      HOOKCTL_TRY_ASSIGN(http::Request r, make(now));
      Plan p;
      p.steps.push_back(Step{std::move(r), {}, {}, false, false});
      return p;
    };
  }

  // The base delivery signed at `now`, then edited by `edit`.
  std::function<Result<Plan>(int64_t)> signed_then(std::function<void(http::Request&)> edit) const {
    const Base& base = m_base;
    return one([&base, edit = std::move(edit)](int64_t now) -> Result<http::Request> {
      HOOKCTL_TRY_ASSIGN(http::Request r, sign_delivery(base, base.body, now));
      edit(r);
      return r;
    });
  }

  void signature() {
    if (m_info == nullptr) return;
    const Base& base = m_base;
    const std::string sig = m_sig;
    std::vector<std::string> headers;
    for (auto h : m_headers) headers.emplace_back(h);
    add("missing-header", Family::signature, "no signature headers at all", Expect::reject,
        signed_then([headers](http::Request& r) {
          for (auto h : headers) r.headers.remove(h);
        }));
    add("empty-header", Family::signature, fmt::format("{} present but empty", sig), Expect::reject,
        signed_then([sig](http::Request& r) { r.headers.set(sig, ""); }));
    add("malformed-header", Family::signature, fmt::format("{} is not a signature", sig), Expect::reject,
        signed_then([sig](http::Request& r) { r.headers.set(sig, "hookctl-fuzz-malformed"); }));
    {
      Rng rng = rng_for("wrong-secret");
      sign::Keys wrong = wrong_keys(base.keys, rng);
      add("wrong-secret", Family::signature, "signed with another secret or key", Expect::reject,
          one([&base, wrong](int64_t now) { return sign_delivery(base, base.body, now, {}, &wrong); }));
    }
    // A shared token (GitLab's) authenticates the sender, not the body: a receiver cannot tell a
    // changed body, so the body cases below are not asked of it.
    const bool covers_body = m_info->key_kind != sign::KeyKind::token;
    if (covers_body)
      add("other-body", Family::signature, "the signature of a different body", Expect::reject,
          one([&base](int64_t now) -> Result<http::Request> {
            HOOKCTL_TRY_ASSIGN(http::Request r, sign_delivery(base, base.body + " ", now));
            r.body.pop_back(); // the signed body had one more byte
            return r;
          }));
    add("truncated", Family::signature, fmt::format("{} cut to half its length", sig), Expect::reject,
        signed_then([sig](http::Request& r) {
          const std::string v(r.headers.get(sig).value_or(""));
          r.headers.set(sig, v.substr(0, v.size() / 2));
        }));
    {
      // Only when the signature names a version this provider's verifiers check.
      auto probe = sign_delivery(base, base.body, 1'700'000'000);
      if (probe && other_version(std::string(probe->headers.get(sig).value_or(""))))
        add("wrong-version", Family::signature, "the signature under another scheme version", Expect::reject,
            signed_then([sig](http::Request& r) {
              if (auto v = other_version(std::string(r.headers.get(sig).value_or("")))) r.headers.set(sig, *v);
            }));
    }
    if (covers_body) {
      // The byte is chosen by the seed among the body's letters and digits (the same place in
      // every delivery, whose fresh ids have the same shape).
      const Rng rng = rng_for("body-one-byte");
      Rng probe = rng;
      if (flip_one_byte(base.body, probe))
        add("body-one-byte", Family::signature, "the body changed by one byte after signing", Expect::reject,
            signed_then([rng](http::Request& r) {
              Rng local = rng;
              if (auto changed = flip_one_byte(r.body, local)) r.body = *changed;
            }));
    }
    if (covers_body) {
      // The same data written another way (indented, or compact when it already was).
      auto reserialise = [](const std::string& body) -> std::optional<std::string> {
        try {
          const Json j = Json::parse(body);
          for (int indent : {2, -1}) {
            std::string d = j.dump(indent);
            if (d != body) return d;
          }
        } catch (const std::exception&) {
        }
        return std::nullopt;
      };
      if (reserialise(base.body))
        add("body-reserialised", Family::signature, "the JSON body re-serialised after signing (same data)",
            Expect::reject, signed_then([reserialise](http::Request& r) {
              if (auto d = reserialise(r.body)) r.body = *d;
            }));
    }
    if (covers_body)
      add("body-trailing-newline", Family::signature, "a newline appended to the body after signing", Expect::reject,
          signed_then([](http::Request& r) { r.body += "\n"; }));
    add("duplicated-header", Family::signature, fmt::format("{} twice: a forged value, then the valid one", sig),
        Expect::reject, signed_then([sig](http::Request& r) {
          util::Headers h;
          for (const auto& [name, value] : r.headers.fields()) {
            if (util::iequals(name, sig)) h.add(name, "hookctl-fuzz-forged");
            h.add(name, value);
          }
          r.headers = std::move(h);
        }));
    if (m_info->tolerance_s) {
      const int64_t tol = *m_info->tolerance_s;
      // A future timestamp is a finding only where the provider's own library rejects it.
      const bool future_checked = m_info->direction == sign::Direction::both;
      struct Shift {
        const char* id;
        int64_t by;
        const char* what;
      };
      for (const Shift& s : {Shift{"stale-just-outside", -(tol + 60), "signed a minute too long ago"},
                             Shift{"stale-far-outside", -(tol + 30 * k_day), "signed 30 days too long ago"},
                             Shift{"future-just-outside", tol + 60, "signed a minute too far in the future"},
                             Shift{"future-far-outside", tol + 30 * k_day, "signed 30 days in the future"}}) {
        const bool future = s.by > 0;
        add(s.id, Family::signature,
            fmt::format("{} (window {} s{})", s.what, tol,
                        future && !future_checked ? "; the official library accepts it" : ""),
            Expect::reject, one([&base, by = s.by](int64_t now) { return sign_delivery(base, base.body, now + by); }),
            true, future && !future_checked);
      }
    }
  }

  void replay() {
    const Base& base = m_base;
    add("same-delivery-twice", Family::replay, "the same signed delivery (same id) sent twice", Expect::survive,
        [&base](int64_t now) -> Result<Plan> {
          HOOKCTL_TRY_ASSIGN(http::Request r, sign_delivery(base, base.body, now, one_id(base)));
          Plan p;
          p.steps.push_back(Step{r, {}, {}, false, false});
          p.steps.push_back(Step{std::move(r), {}, {}, false, false});
          return p;
        });
    const Rng brng = rng_for("replay.same-id-other-body");
    add("same-id-other-body", Family::replay, "a second delivery with the same id and a different body, validly signed",
        Expect::survive, [&base, brng](int64_t now) -> Result<Plan> {
          // One event (its ids refreshed once), sent twice under one id: the second one byte off.
          Base same = base;
          if (base.refresh) base.refresh(same.body, same.headers);
          same.refresh = nullptr;
          Rng rng = brng;
          const std::string other = flip_one_byte(same.body, rng).value_or(same.body + " ");
          const std::string id = one_id(base);
          HOOKCTL_TRY_ASSIGN(http::Request a, sign_delivery(same, same.body, now, id));
          HOOKCTL_TRY_ASSIGN(http::Request b, sign_delivery(same, other, now, id));
          Plan p;
          p.steps.push_back(Step{std::move(a), {}, {}, false, false});
          p.steps.push_back(Step{std::move(b), {}, {}, false, false});
          return p;
        });
  }

  // A validly signed delivery of `body` (headers as the base's).
  std::function<Result<Plan>(int64_t)> signed_body(std::string body) const {
    const Base& base = m_base;
    return one([&base, body = std::move(body)](int64_t now) { return sign_delivery(base, body, now); });
  }

  void payload() {
    const std::string& b = m_base.body;
    add("invalid-json", Family::payload, "a body that is not JSON", Expect::survive, signed_body("{hookctl fuzz"));
    add("truncated-json", Family::payload, "the body cut in half", Expect::survive,
        signed_body(b.substr(0, b.size() / 2)));
    add("empty-body", Family::payload, "an empty body", Expect::survive, signed_body(""));
    add("deep-nesting", Family::payload, "arrays nested 10,000 deep", Expect::survive, signed_body(nest(10000)));
    add("huge-string", Family::payload, "a 1 MiB string", Expect::survive,
        signed_body("{\"hookctl_fuzz\":\"" + std::string(1 << 20, 'x') + "\"}"));
    add("huge-number", Family::payload, "a 400-digit number and 1e999999", Expect::survive,
        signed_body("{\"n\":1" + std::string(400, '0') + ",\"e\":1e999999}"));
    add("invalid-utf8", Family::payload, "bytes that are not UTF-8 inside a string", Expect::survive,
        signed_body("{\"hookctl_fuzz\":\"\xff\xfe\xc3(\"}"));
    add("nul-bytes", Family::payload, "NUL bytes, raw and escaped", Expect::survive,
        signed_body(std::string("{\"a\":\"x\0y\",\"b\":\"\\u0000\"}", 24)));
    Json doc;
    bool object = false;
    try {
      doc = Json::parse(b);
      object = doc.is_object() && !doc.empty();
    } catch (const std::exception&) {
    }
    if (!object) return;
    {
      const std::string first = doc.begin().key();
      std::string dup = b;
      const size_t end = dup.find_last_of('}');
      if (end != std::string::npos)
        add("duplicate-keys", Family::payload, fmt::format("the key \"{}\" twice, the second a different value", first),
            Expect::survive, signed_body(dup.substr(0, end) + ",\"" + first + "\":\"hookctl-fuzz\"}"));
    }
    if (doc.contains("type") && doc["type"].is_string()) {
      Json u = doc;
      u["type"] = "hookctl.fuzz.unknown_event";
      add("unknown-event-type", Family::payload, "an event type the receiver cannot know", Expect::survive,
          signed_body(u.dump()));
    } else {
      for (auto h : {"X-GitHub-Event", "X-Gitlab-Event", "X-Event-Type"}) {
        if (!m_base.headers.get(h)) continue;
        const std::string name = h;
        add("unknown-event-type", Family::payload, fmt::format("{}: an event the receiver cannot know", name),
            Expect::survive, signed_then([name](http::Request& r) { r.headers.set(name, "hookctl_fuzz_unknown"); }));
        break;
      }
    }
    // Structure-aware: each member of the real event with another type, null, or removed.
    std::vector<std::string> paths;
    member_paths(doc, "", 1, 40, paths);
    for (const auto& path : paths) {
      const Json::json_pointer ptr(path);
      Json typed = doc, nulled = doc, missing = doc;
      typed[ptr] = wrong_type(doc[ptr]);
      nulled[ptr] = nullptr;
      missing[ptr.parent_pointer()].erase(ptr.back());
      const std::string shown = path.substr(1);
      add("wrong-type" + path, Family::payload, fmt::format("{} of another type", shown), Expect::survive,
          signed_body(typed.dump()));
      add("null" + path, Family::payload, fmt::format("{} null", shown), Expect::survive, signed_body(nulled.dump()));
      add("missing" + path, Family::payload, fmt::format("{} removed", shown), Expect::survive,
          signed_body(missing.dump()));
    }
  }

  // A raw case: the base delivery signed at `now` over `body`, framed by `frame` into chunks.
  std::function<Result<Plan>(int64_t)>
  raw(std::string body, std::function<void(Step&, const http::Request&, const std::string&)> frame) const {
    const Base& base = m_base;
    return [&base, body = std::move(body), frame = std::move(frame)](int64_t now) -> Result<Plan> {
      HOOKCTL_TRY_ASSIGN(http::Request r, sign_delivery(base, body, now));
      HOOKCTL_TRY_ASSIGN(http::Url url, http::parse_url(r.url));
      std::string head = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\n", r.method, url.target, url.host, url.port);
      for (const auto& [name, value] : r.headers.fields()) head += fmt::format("{}: {}\r\n", name, value);
      Step s;
      s.request = r;
      frame(s, r, head);
      Plan p;
      p.steps.push_back(std::move(s));
      return p;
    };
  }

  void http() {
    const std::string& b = m_base.body;
    add("oversized-body", Family::http, "a 32 MiB body", Expect::reject_or_close,
        raw(std::string(32u << 20, ' ') + b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw = {head + fmt::format("Content-Length: {}\r\n\r\n", r.body.size()), r.body};
        }));
    add("content-length-short", Family::http, "Content-Length half the body's size", Expect::reject_or_close,
        raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw = {head + fmt::format("Content-Length: {}\r\n\r\n", r.body.size() / 2) + r.body};
        }));
    add("content-length-long", Family::http, "Content-Length 100 bytes past the body, then the end of the stream",
        Expect::reject_or_close, raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw = {head + fmt::format("Content-Length: {}\r\n\r\n", r.body.size() + 100) + r.body};
          s.half_close = true;
        }));
    add("length-and-chunked", Family::http, "both Content-Length and Transfer-Encoding: chunked",
        Expect::reject_or_close, raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw = {head + fmt::format("Content-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
                                      r.body.size(), r.body.size(), r.body)};
        }));
    add("bad-chunk-size", Family::http, "a chunk size that is not hexadecimal", Expect::reject_or_close,
        raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw = {head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + r.body + "\r\n0\r\n\r\n"};
        }));
    add("header-flood", Family::http, "10,000 extra header fields", Expect::reject_or_close,
        raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          std::string flood;
          for (int i = 0; i < 10000; ++i) flood += fmt::format("X-Hookctl-Fuzz-{}: {}\r\n", i, i);
          s.raw = {head + flood + fmt::format("Content-Length: {}\r\n\r\n", r.body.size()) + r.body};
        }));
    add("wrong-content-type", Family::http, "Content-Type: text/plain", Expect::survive,
        signed_with_header("Content-Type", "text/plain"));
    add("missing-content-type", Family::http, "no Content-Type", Expect::survive,
        signed_with_header("Content-Type", std::nullopt));
    for (const char* method : {"GET", "PUT", "DELETE", "PATCH"}) {
      Base other = m_base;
      other.method = method;
      auto owned = std::make_shared<Base>(std::move(other));
      add(fmt::format("method-{}", util::to_lower(method)), Family::http,
          fmt::format("the delivery as {} instead of {}", method, m_base.method), Expect::reject_or_close,
          one([owned](int64_t now) { return sign_delivery(*owned, owned->body, now); }));
    }
  }

  std::function<Result<Plan>(int64_t)> signed_with_header(std::string name, std::optional<std::string> value) {
    auto owned = std::make_shared<Base>(m_base);
    if (value)
      owned->headers.set(name, *value);
    else
      owned->headers.remove(name);
    return one([owned](int64_t now) { return sign_delivery(*owned, owned->body, now); });
  }

  void slow() {
    const std::string& b = m_base.body;
    add("slow-headers", Family::slow, "request headers sent a few bytes at a time (slowloris)", Expect::serve_others,
        raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          const std::string all = head + fmt::format("Content-Length: {}\r\n\r\n", r.body.size());
          for (size_t i = 0; i + 1 < all.size() && s.raw.size() < 30; i += 4) s.raw.push_back(all.substr(i, 4));
          s.gap = std::chrono::milliseconds(100);
          s.reset = true; // never finished
        }));
    add("slow-body", Family::slow, "the body sent a few bytes at a time", Expect::serve_others,
        raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw.push_back(head + fmt::format("Content-Length: {}\r\n\r\n", r.body.size()));
          for (size_t i = 0; i < r.body.size() && s.raw.size() < 30; i += 4) s.raw.push_back(r.body.substr(i, 4));
          s.gap = std::chrono::milliseconds(100);
          s.reset = true;
        }));
    add("reset-mid-body", Family::slow, "the connection reset halfway through the body", Expect::serve_others,
        raw(b, [](Step& s, const http::Request& r, const std::string& head) {
          s.raw = {head + fmt::format("Content-Length: {}\r\n\r\n", r.body.size()) +
                   r.body.substr(0, r.body.size() / 2)};
          s.reset = true;
        }));
  }

  void order() {
    const Base& base = m_base;
    add("reversed", Family::order, "two deliveries, the later-signed one first", Expect::survive,
        [&base](int64_t now) -> Result<Plan> {
          HOOKCTL_TRY_ASSIGN(http::Request later, sign_delivery(base, base.body, now));
          HOOKCTL_TRY_ASSIGN(http::Request earlier, sign_delivery(base, base.body, now - 60));
          Plan p;
          p.steps.push_back(Step{std::move(later), {}, {}, false, false});
          p.steps.push_back(Step{std::move(earlier), {}, {}, false, false});
          return p;
        });
    add("burst", Family::order, "16 deliveries (distinct ids) at once", Expect::survive,
        [&base](int64_t now) -> Result<Plan> {
          Plan p;
          p.concurrent = true;
          for (int i = 0; i < 16; ++i) {
            HOOKCTL_TRY_ASSIGN(http::Request r, sign_delivery(base, base.body, now));
            p.steps.push_back(Step{std::move(r), {}, {}, false, false});
          }
          return p;
        });
  }

  const Base& m_base;
  uint64_t m_seed;
  const sign::ProviderInfo* m_info = nullptr;
  std::string m_sig;                       // the header with the signature itself
  std::vector<std::string_view> m_headers; // every header the scheme adds
  std::vector<Case> m_cases;
};

} // namespace

const std::vector<Family>& all_families() {
  static const std::vector<Family> families = {Family::signature, Family::replay, Family::payload,
                                               Family::http,      Family::slow,   Family::order};
  return families;
}

std::string_view family_name(Family family) {
  switch (family) {
  case Family::signature: return "signature";
  case Family::replay: return "replay";
  case Family::payload: return "payload";
  case Family::http: return "http";
  case Family::slow: return "slow";
  case Family::order: return "order";
  }
  return "?";
}

std::optional<Family> parse_family(std::string_view name) {
  for (Family f : all_families())
    if (family_name(f) == name) return f;
  return std::nullopt;
}

std::string_view expect_text(Expect expect) {
  switch (expect) {
  case Expect::reject: return "rejected (4xx)";
  case Expect::survive: return "no 5xx, no timeout, no dropped connection";
  case Expect::reject_or_close:
    return "any answer but a 5xx (501 and 505 allowed), or a closed connection; never a hang";
  case Expect::serve_others: return "the baseline still served meanwhile";
  }
  return "?";
}

Result<http::Request> sign_delivery(const Base& base, std::string_view body, int64_t now, std::string_view id,
                                    const sign::Keys* keys) {
  http::Request r;
  r.method = base.method;
  r.url = base.url;
  r.headers = base.headers;
  r.body = std::string(body);
  if (base.refresh) base.refresh(r.body, r.headers);
  if (base.provider.empty()) return r;
  HOOKCTL_TRY_ASSIGN(auto scheme, sign::make_scheme(base.provider, base.scheme_options));
  sign::SignRequest s;
  s.body = r.body;
  s.headers = r.headers;
  s.url = base.url;
  s.method = base.method;
  s.id = !id.empty() ? std::string(id) : base.new_id ? base.new_id() : base.id;
  s.timestamp = now;
  s.keys = keys != nullptr ? *keys : base.keys;
  HOOKCTL_TRY_ASSIGN(sign::Signed signed_, scheme->sign(s));
  for (const auto& [name, value] : signed_.headers.fields()) r.headers.set(name, value);
  if (!signed_.url.empty()) r.url = signed_.url;
  return r;
}

Result<std::vector<Case>> make_cases(const Base& base, const std::vector<Family>& families, uint64_t seed) {
  return Builder(base, seed).build(families);
}

} // namespace hookctl::fuzz
