#include <doctest/doctest.h>

#include "hookctl/catalog/catalog.hpp"

namespace catalog = hookctl::catalog;
using hookctl::Errc;

namespace {

constexpr std::string_view k_json = "application/json";
constexpr std::string_view k_form = "application/x-www-form-urlencoded";

std::string sets(std::string_view body, std::vector<std::string> s, std::string_view type = k_json) {
  auto r = catalog::apply_sets(body, type, s);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

hookctl::Error set_error(std::string_view body, std::vector<std::string> s, std::string_view type = k_json) {
  auto r = catalog::apply_sets(body, type, s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find('\n') == std::string::npos);
  return r.error();
}

} // namespace

TEST_CASE("catalog::apply_sets: no sets give the body back byte-exact") {
  for (std::string_view body : {"{ \"a\" : 1 }\n", "not json at all", "", "{\"b\":1,\"a\":2}"})
    CHECK(sets(body, {}) == body);
  CHECK(sets("a=1&&b=%zz", {}, k_form) == "a=1&&b=%zz");
}

TEST_CASE("catalog::apply_sets: JSON paths replace, create nested keys and keep key order") {
  std::string body = R"({ "type": "invoice.paid",
    "data": {"object": {"amount": 100, "currency": "usd"}} })";
  CHECK(sets(body, {"data.object.amount=2500"}) ==
        R"({"type":"invoice.paid","data":{"object":{"amount":2500,"currency":"usd"}}})");
  CHECK(sets(body, {"data.object.metadata.order_id=A-17"}) ==
        R"({"type":"invoice.paid","data":{"object":{"amount":100,"currency":"usd","metadata":{"order_id":"A-17"}}}})");
  CHECK(sets(body, {"zz=1", "aa=2"}) == R"({"type":"invoice.paid","data":{"object":{"amount":100,"currency":"usd"}},)"
                                        R"("zz":1,"aa":2})");
  // A null on the way becomes an object.
  CHECK(sets(R"({"a":null})", {"a.b=1"}) == R"({"a":{"b":1}})");
  // Later sets see earlier ones.
  CHECK(sets("{}", {"a.b=1", "a.c=2", "a.b=3"}) == R"({"a":{"b":3,"c":2}})");
}

TEST_CASE("catalog::apply_sets: numeric segments index arrays") {
  std::string body = R"({"pull_request":{"labels":[{"name":"bug"},{"name":"ui"}]},"list":[1,2,3]})";
  CHECK(sets(body, {"pull_request.labels.0.name=enhancement"}) ==
        R"({"pull_request":{"labels":[{"name":"enhancement"},{"name":"ui"}]},"list":[1,2,3]})");
  CHECK(sets(body, {"list.2=30"}) == R"({"pull_request":{"labels":[{"name":"bug"},{"name":"ui"}]},"list":[1,2,30]})");
  // On an object a number is an ordinary key.
  CHECK(sets(R"({"m":{}})", {"m.0=x"}) == R"({"m":{"0":"x"}})");
  CHECK(sets("[[1],[2]]", {"1.0=5"}) == "[[1],[5]]");
}

TEST_CASE("catalog::apply_sets: VALUE is JSON when it parses, a string otherwise") {
  auto v = [](std::string value) { return sets("{}", {"v=" + value}); };
  CHECK(v("42") == R"({"v":42})");
  CHECK(v("-1.5") == R"({"v":-1.5})");
  CHECK(v("true") == R"({"v":true})");
  CHECK(v("null") == R"({"v":null})");
  CHECK(v(R"({"x":[1,2]})") == R"({"v":{"x":[1,2]}})");
  CHECK(v(R"("42")") == R"({"v":"42"})");
  CHECK(v("hello world") == R"({"v":"hello world"})");
  CHECK(v("") == R"({"v":""})");
  CHECK(v("01234") == R"({"v":"01234"})"); // not a JSON number: a leading zero
  CHECK(v("a=b") == R"({"v":"a=b"})");     // split at the first '='
  CHECK(v("{unclosed") == R"({"v":"{unclosed"})");
  CHECK(v("caf\xc3\xa9") == "{\"v\":\"caf\xc3\xa9\"}");
}

TEST_CASE("catalog::apply_sets: bad sets and paths are usage errors naming the path") {
  std::string body = R"({"a":{"n":1,"s":"x","list":[1,2]}})";
  auto past = set_error(body, {"a.list.2=9"});
  CHECK(past.code == Errc::usage);
  CHECK(past.message == "--set a.list.2: index 2 is past the end of 'a.list' (2 items)");
  auto scalar = set_error(body, {"a.n.deeper=1"});
  CHECK(scalar.code == Errc::usage);
  CHECK(scalar.message == "--set a.n.deeper: 'a.n' is a number, not an object or array");
  CHECK(set_error(body, {"a.s.0=1"}).message.find("'a.s' is a string") != std::string::npos);
  CHECK(set_error(body, {"a.list.x=1"}).message == "--set a.list.x: 'a.list' is an array and 'x' is not an index");
  CHECK(set_error("[1]", {"x=1"}).message == "--set x: the body is an array and 'x' is not an index");
  CHECK(set_error("\"text\"", {"x=1"}).message == "--set x: the body is a string, not an object or array");
  for (std::string s : {"a..b=1", ".a=1", "a.=1"})
    CHECK(set_error(body, {s}).message.find("empty") != std::string::npos);
  for (std::string s : {"noequals", "=value", ""}) {
    auto e = set_error(body, {s});
    CHECK(e.code == Errc::usage);
    CHECK(e.message.find("is not PATH=VALUE") != std::string::npos);
  }
}

TEST_CASE("catalog::apply_sets: a malformed JSON body is an input error; other types are refused") {
  auto bad = set_error("{\"a\":", {"a=1"});
  CHECK(bad.code == Errc::input);
  CHECK(bad.message == "--set needs a JSON body, and the body is not valid JSON (line 1, column 6)");
  CHECK(set_error("", {"a=1"}).message == "--set needs a JSON body, and the body is empty");
  std::string deep(300, '[');
  CHECK(set_error(deep, {"a=1"}).message.find("deeper than 256") != std::string::npos);
  auto text = set_error("hello", {"a=1"}, "text/plain");
  CHECK(text.code == Errc::usage);
  CHECK(text.message == "--set edits JSON and form bodies, not text/plain");
  // JSON media types with parameters or a +json suffix are JSON; no content type means JSON too.
  CHECK(sets("{}", {"a=1"}, "application/json; charset=utf-8") == R"({"a":1})");
  CHECK(sets("{}", {"a=1"}, "application/cloudevents+json") == R"({"a":1})");
  CHECK(sets("{}", {"a=1"}, "") == R"({"a":1})");
}

TEST_CASE("catalog::apply_sets: form bodies replace or add one field, percent-encoded") {
  std::string body = "From=%2B14155550100&Body=Hello&To=%2B15005550006";
  CHECK(sets(body, {"Body=Hi there & bye"}, k_form) ==
        "From=%2B14155550100&Body=Hi%20there%20%26%20bye&To=%2B15005550006");
  CHECK(sets(body, {"NumMedia=0"}, k_form) == body + "&NumMedia=0");
  CHECK(sets("", {"a=1"}, k_form) == "a=1");
  // A repeated field becomes the one value set, where it first was.
  CHECK(sets("a=1&b=2&a=3", {"a=x"}, k_form) == "a=x&b=2");
  // Names are compared decoded.
  CHECK(sets("my+field=1&x=2", {"my field=3"}, k_form) == "my%20field=3&x=2");
  CHECK(sets(body, {"From=+1 555", "Body="}, "application/x-www-form-urlencoded; charset=utf-8") ==
        "From=%2B1%20555&Body=&To=%2B15005550006");
  // The dots of a form field name are not a path.
  CHECK(sets("a.b=1", {"a.b=2"}, k_form) == "a.b=2");
}

TEST_CASE("catalog::apply_sets: a set that is not UTF-8 is refused for a JSON body (found by fuzz_set_paths)") {
  auto r = hookctl::catalog::apply_sets(R"({"a":1})", "application/json", {"new.\x99key=1"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == hookctl::Errc::usage);
  CHECK(r.error().message == "--set: a PATH=VALUE for a JSON body is not UTF-8 text");
  CHECK(hookctl::catalog::apply_sets(R"({"a":1})", "application/json", {"caf\xc3\xa9=1"}).ok());
}
