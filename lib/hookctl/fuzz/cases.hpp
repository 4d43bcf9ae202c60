#pragma once
// The cases of `hookctl fuzz`: from one correctly signed base delivery, families of deliveries a
// webhook receiver should reject (forged, stale), survive (malformed payloads, raw HTTP abuse, slow
// clients) or take twice (replays, bursts). Pure: the list depends only on the base and the seed,
// and each case's bytes only on the time it is built at.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/http/message.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/headers.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::fuzz {

enum class Family { signature, replay, payload, http, slow, order };

// Every family, in run order.
const std::vector<Family>& all_families();
std::string_view family_name(Family family);
std::optional<Family> parse_family(std::string_view name);

// What a receiver should do with a case's deliveries.
enum class Expect {
  reject,          // a 4xx: a 2xx is a finding (accepts-forgery or accepts-stale)
  survive,         // anything but a 5xx, a timeout or a dropped connection
  reject_or_close, // raw HTTP abuse: any answer but a 5xx, or a closed connection; never a hang
  serve_others,    // slow clients: the baseline, sent meanwhile on another connection, succeeds
};
std::string_view expect_text(Expect expect);

// One exchange: a request through the HTTP client, or raw bytes over a socket.
struct Step {
  http::Request request;
  // Raw mode when not empty: these chunks are written in order, `gap` apart, and the answer read.
  std::vector<std::string> raw;
  std::chrono::milliseconds gap{0};
  bool half_close = false; // shut the write side after the chunks (a body that never comes)
  bool reset = false;      // reset the connection after the chunks; no answer is awaited
};

// The deliveries of one case, built at one time: sent one after the other, or all at once.
struct Plan {
  std::vector<Step> steps;
  bool concurrent = false;
};

// The base delivery and what signs it.
struct Base {
  std::string url;
  std::string method = "POST";
  std::string provider; // empty: unsigned (only the families that need no signature make sense)
  sign::Keys keys;
  sign::SchemeOptions scheme_options;
  std::string body;
  util::Headers headers; // Content-Type and the event's own headers, before signing
  std::string id;        // the delivery id it is signed with, when `new_id` is not set
  // A fresh delivery id for each delivery (thread-safe): a receiver that skips ids it has seen
  // must see each case as new. Cases that test a repeated id reuse one on purpose.
  std::function<std::string()> new_id;
  // Replaces the event's own ids in a delivery's body and header values with fresh ones (Stripe's
  // evt_ id, Slack's event_id, GitLab's Idempotency-Key, ...), consistently within one delivery;
  // thread-safe. Unset: bodies go out as given.
  std::function<void(std::string& body, util::Headers& headers)> refresh;
};

// The base delivery signed at `now` with `id` (empty: a fresh one from `new_id`, else the base's),
// over `body` (its event ids refreshed first, by `refresh`); `keys` replace the base's when given.
Result<http::Request> sign_delivery(const Base& base, std::string_view body, int64_t now, std::string_view id = {},
                                    const sign::Keys* keys = nullptr);

struct Case {
  size_t index = 0; // in the full list
  std::string id;   // stable: "signature.missing-header", "payload.null.data.object"
  Family family = Family::signature;
  std::string description;
  Expect expect = Expect::survive;
  bool stale = false;     // a 2xx is accepts-stale, not accepts-forgery
  bool note_only = false; // the provider's official library accepts it too: a 2xx is a note
  std::function<Result<Plan>(int64_t now)> build;
};

// Every case of `families` for `base` (which must outlive them: they build from it), in a fixed
// order; `seed` picks the mutated bytes and ids.
// Errc::usage when the base cannot be signed.
Result<std::vector<Case>> make_cases(const Base& base, const std::vector<Family>& families, uint64_t seed);

} // namespace hookctl::fuzz
