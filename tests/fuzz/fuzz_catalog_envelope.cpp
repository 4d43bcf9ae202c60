// Event envelopes (`--event @file.json`): catalog::load_envelope on arbitrary text, what loads is
// well-formed; and the text as a body for apply_sets and fill_placeholders, which never throw.
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "hookctl/catalog/catalog.hpp"
#include "hookctl/util/headers.hpp"

namespace catalog = hookctl::catalog;
using hookctl::Errc;

namespace {

bool one_line(const hookctl::Error& e) { return e.message.find('\n') == std::string::npos && !e.message.empty(); }

bool is_json_type(std::string_view type) { return type.find("json") != std::string_view::npos; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::as_view(data, size);
  catalog::Fresh fresh{1700000000, [](size_t n) { return std::string(n, '\x5a'); }};

  auto ev = catalog::load_envelope(text, "fuzz.json", fresh);
  if (ev) {
    FUZZ_CHECK(!ev->name.empty());
    FUZZ_CHECK(!ev->content_type.empty());
    FUZZ_CHECK(hookctl::util::is_field_value(ev->content_type));
    FUZZ_CHECK(!ev->headers.get("Content-Type"));
    for (const auto& [name, value] : ev->headers.fields()) {
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK(hookctl::util::is_field_value(value));
    }
    // A JSON value given as "body" is sent as valid JSON.
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("body")) FUZZ_CHECK(nlohmann::json::accept(ev->body));
    auto edited = catalog::apply_sets(ev->body, ev->content_type, {"fuzz.0.path=1"});
    if (edited && is_json_type(ev->content_type)) FUZZ_CHECK(nlohmann::json::accept(*edited));
  } else {
    FUZZ_CHECK(ev.error().code == Errc::input);
    FUZZ_CHECK(one_line(ev.error()));
    FUZZ_CHECK(ev.error().message.starts_with("fuzz.json: "));
  }

  // The same text as a body to edit: byte-exact without sets, valid JSON or a named error with them.
  auto same = catalog::apply_sets(text, "application/json", {});
  FUZZ_CHECK(same && *same == text);
  auto json = catalog::apply_sets(text, "application/json", {"a.0.b=x", "c={\"d\":[1]}"});
  if (json)
    FUZZ_CHECK(nlohmann::json::accept(*json));
  else
    FUZZ_CHECK((json.error().code == Errc::usage || json.error().code == Errc::input) && one_line(json.error()));
  auto form = catalog::apply_sets(text, "application/x-www-form-urlencoded", {"a b=c&d"});
  FUZZ_CHECK(form.ok());
  FUZZ_CHECK(form->find("a%20b=c%26d") != std::string::npos);

  auto filled = catalog::fill_placeholders(text, fresh);
  if (!filled) FUZZ_CHECK(filled.error().code == Errc::input && one_line(filled.error()));
  return 0;
}
