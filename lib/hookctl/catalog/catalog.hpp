#pragma once
// The built-in catalog of sample webhook events per provider, user events from an envelope file,
// and `--set PATH=VALUE` edits of a body. Pure: the time and the randomness that fill a template's
// placeholders are inputs (`Fresh`), never read from the system.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/util/headers.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::catalog {

// One catalog entry as listed: `provider.event_type` name, provider, one-line summary, content type.
struct EventInfo {
  std::string_view name;
  std::string_view provider;
  std::string_view summary;
  std::string_view content_type;
};

// Every built-in event, sorted by name.
const std::vector<EventInfo>& events();

// The built-in event called `name` (Shopify topics also as `shopify.orders.create`), or null.
const EventInfo* find_event(std::string_view name);

// An event ready to sign and send: its context headers (without Content-Type, which is
// `content_type`, and without signature headers, which `sign` adds) and its body.
struct Event {
  std::string name;
  std::string provider;
  util::Headers headers;
  std::string body;
  std::string content_type;
  // The delivery id the context headers already carry (X-GitHub-Delivery, X-Shopify-Webhook-Id), or
  // empty: pass it as `sign::SignRequest::id` and merge the signed headers with `Headers::set`.
  std::string delivery_id;
};

// What makes each instantiation fresh: `now` in unix seconds, and `random(n)` returning n random
// bytes (zero bytes when it is empty).
struct Fresh {
  int64_t now = 0;
  std::function<std::string(size_t)> random;
};

// The built-in event `name` with its placeholders filled from `fresh`; Errc::usage "unknown event"
// with the closest names when there is no such event.
Result<Event> instantiate(std::string_view name, const Fresh& fresh);

// A user event from the envelope JSON `json_text` (as in `--event @file.json`), placeholders filled
// from `fresh`; Errc::input naming `source_name` and what is wrong when it is malformed.
Result<Event> load_envelope(std::string_view json_text, std::string_view source_name, const Fresh& fresh);

// `body` after each `PATH=VALUE` of `sets`: for JSON a dotted path (numeric segments index arrays)
// set to VALUE parsed as JSON, else as a string, the result re-serialised compactly; for a form body
// (`content_type` application/x-www-form-urlencoded) the field PATH replaced or added. With no sets
// `body` comes back byte-exact. Errc::usage on a bad set or path, Errc::input on a malformed body.
Result<std::string> apply_sets(std::string_view body, std::string_view content_type,
                               const std::vector<std::string>& sets);

// `text` with every placeholder (`{{unix}}`, `{{uuid}}`, `{{id:evt}}`, ...) filled from `fresh`;
// Errc::input naming a malformed placeholder. Text in `{{...}}` that names no placeholder stays.
Result<std::string> fill_placeholders(std::string_view text, const Fresh& fresh);

} // namespace hookctl::catalog
