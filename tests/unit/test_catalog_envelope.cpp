#include <memory>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "catalog_helpers.hpp"
#include "hookctl/catalog/catalog.hpp"

namespace catalog = hookctl::catalog;
using hookctl::Errc;

namespace {

constexpr int64_t k_now = testing::k_catalog_now;
using testing::fresh;

catalog::Event load(std::string_view text, unsigned seed = 1) {
  auto r = catalog::load_envelope(text, "event.json", fresh(seed));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return std::move(r).value();
}

std::string load_error(std::string_view text) {
  auto r = catalog::load_envelope(text, "event.json", fresh(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::input);
  CHECK(r.error().message.starts_with("event.json: "));
  CHECK(r.error().message.find('\n') == std::string::npos);
  return r.error().message.substr(12);
}

} // namespace

TEST_CASE("catalog::load_envelope: a full envelope with placeholders") {
  auto ev = load(R"({
    "provider": "stripe",
    "name": "stripe.order.custom",
    "headers": {"X-Request-Id": "{{uuid}}", "X-Trace": " spaced "},
    "body": {"id": "{{id:evt}}", "created": "{{unix}}", "at": "created {{unix}}", "big": "{{num:12}}",
             "nested": [{"t": "{{iso}}"}, 3, null, true], "literal": "{{not a placeholder}}"}
  })");
  CHECK(ev.provider == "stripe");
  CHECK(ev.name == "stripe.order.custom");
  CHECK(ev.content_type == "application/json");
  CHECK(ev.delivery_id.empty());
  REQUIRE(ev.headers.size() == 2);
  CHECK(ev.headers.get("X-Request-Id")->size() == 36);
  CHECK(ev.headers.get("X-Trace") == "spaced");
  auto body = nlohmann::ordered_json::parse(ev.body);
  CHECK(body["id"].get<std::string>().starts_with("evt_"));
  CHECK(body["created"] == k_now); // a string that is one numeric placeholder becomes a number
  CHECK(body["at"] == "created 1700000000");
  CHECK(body["big"].is_number_integer());
  CHECK(body["nested"][0]["t"] == "2023-11-14T22:13:20Z");
  CHECK(body["literal"] == "{{not a placeholder}}");
  CHECK(ev.body.starts_with(R"({"id":"evt_)")); // compact, in the order written
  CHECK(ev.body.find("\"literal\"") > ev.body.find("\"nested\""));
  CHECK(load(R"({"body": {"id": "{{uuid}}"}})", 1).body != load(R"({"body": {"id": "{{uuid}}"}})", 2).body);
}

TEST_CASE("catalog::load_envelope: defaults, header pairs and body_text") {
  auto minimal = load(R"({"body": [1, 2]})");
  CHECK(minimal.name == "event.json");
  CHECK(minimal.provider.empty());
  CHECK(minimal.content_type == "application/json");
  CHECK(minimal.body == "[1,2]");

  auto text = load(R"({"provider": "slack", "headers": [["Content-Type", "application/x-www-form-urlencoded"],
                       ["X-A", "1"], ["X-A", "2"]], "body_text": "command=%2Fdeploy&ts={{unix}}"})");
  CHECK(text.content_type == "application/x-www-form-urlencoded");
  CHECK_FALSE(text.headers.get("Content-Type")); // moved to content_type
  CHECK(text.headers.count("X-A") == 2);
  CHECK(text.body == "command=%2Fdeploy&ts=1700000000");

  // body_text is sent byte-exact: spacing kept; JSON or plain text by its content.
  CHECK(load(R"({"body_text": "{\"test\": 2432232314}\n"})").body == "{\"test\": 2432232314}\n");
  CHECK(load(R"({"body_text": "{\"test\": 1}"})").content_type == "application/json");
  CHECK(load(R"({"body_text": "hello"})").content_type == "text/plain; charset=utf-8");
  CHECK(load(R"({"body_text": ""})").body.empty());
  CHECK(load(R"({"content_type": "application/xml", "headers": {"content-type": "text/plain"}, "body_text": "<a/>"})")
            .content_type == "application/xml");
  CHECK(load(R"({"description": "a note", "name": null, "body": "str"})").body == R"("str")");
}

TEST_CASE("catalog::load_envelope: malformed JSON is an input error with line and column") {
  CHECK(load_error("") == "empty");
  CHECK(load_error("{\n  \"body\": [1,\n}") == "not valid JSON (line 3, column 1)");
  CHECK(load_error("{\"body\": 1e999}") == "not valid JSON (a number is out of range)");
  CHECK(load_error("{\"body\": \"\xff\"}").starts_with("not valid JSON"));
  CHECK(load_error(std::string(1000, '[')).find("deeper than 256") != std::string::npos);
}

TEST_CASE("catalog::load_envelope: wrong shapes and types are input errors saying what is wrong") {
  CHECK(load_error("[1]") == "an event is a JSON object with \"body\" or \"body_text\"");
  CHECK(load_error("{}") == "give exactly one of \"body\" (a JSON value) and \"body_text\" (a string)");
  CHECK(load_error(R"({"body": 1, "body_text": "x"})").starts_with("give exactly one"));
  CHECK(load_error(R"({"body": 1, "header": {}})").starts_with("unknown field \"header\" (the fields are provider,"));
  CHECK(load_error(R"({"body": 1, "provider": 7})") == "\"provider\" must be a string, not number");
  CHECK(load_error(R"({"body": 1, "provider": "Stripe!"})") ==
        "\"provider\" must be a provider name such as \"stripe\"");
  CHECK(load_error(R"({"body": 1, "name": ["x"]})") == "\"name\" must be a string, not array");
  CHECK(load_error(R"({"body": 1, "content_type": "a\nb"})") == "\"content_type\" contains a line break or NUL");
  CHECK(load_error(R"({"body_text": {"a": 1}})") == "\"body_text\" must be a string (use \"body\" for a JSON value)");
  CHECK(load_error(R"({"body": 1, "headers": "X-A: 1"})") ==
        "\"headers\" must be an object or an array of pairs, not string");
  CHECK(load_error(R"({"body": 1, "headers": {"X-A": 1}})") == "each header is a string name and a string value");
  CHECK(load_error(R"({"body": 1, "headers": [["X-A"]]})") ==
        "\"headers\" as an array holds [\"Name\", \"value\"] pairs");
  CHECK(load_error(R"({"body": 1, "headers": {"X A": "1"}})") == "header name \"X A\" is not a valid field name");
  CHECK(load_error(R"({"body": 1, "headers": {"": "1"}})") == "header name \"\" is not a valid field name");
  CHECK(load_error(R"({"body": 1, "headers": {"X-A": "a\r\nX-Evil: 1"}})") ==
        "the value of header X-A contains a line break or NUL");
  CHECK(load_error(R"({"body": {"t": "{{rand:bad:1}}"}})").starts_with("bad placeholder '{{rand:bad:1}}'"));
  CHECK(load_error(R"({"body_text": "{{num:99}}"})").starts_with("bad placeholder"));
  CHECK(load_error(R"({"body": 1, "headers": {"X": "{{id:}}"}})").starts_with("bad placeholder"));
}
