#include <doctest/doctest.h>

#include "hookctl/util/toml.hpp"

namespace toml = hookctl::util::toml;
using Type = toml::Value::Type;

namespace {

const toml::Entry& entry(const toml::Document& doc, std::vector<std::string> table, const std::string& key) {
  for (const auto& e : doc.entries)
    if (e.table == table && e.key == key) return e;
  FAIL("no entry " << toml::dotted(table) << "." << key);
  return doc.entries.front();
}

std::string error_of(std::string_view text) {
  auto r = toml::parse(text, "f.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == hookctl::Errc::input);
  CHECK(r.error().message.find('\n') == std::string::npos);
  return r.error().message;
}

} // namespace

TEST_CASE("toml: top-level keys, sections, profiles and every value type") {
  const auto doc = toml::parse("# a comment\n"
                               "provider = \"stripe\"   # trailing comment\n"
                               "count = 1_000\n"
                               "neg = -7\n"
                               "rate = 2.5e3\n"
                               "json = true\n"
                               "quiet = false\n"
                               "\n"
                               "[send]\n"
                               "header = [\"A: 1\", 'B: 2',\n"
                               "  # inside an array\n"
                               "  \"C: 3\", ]\n"
                               "[ profile . \"my staging\" ]\n"
                               "url = 'http://127.0.0.1:3000/h'\n"
                               "send.retries = +3\n",
                               "f.toml");
  REQUIRE(doc.ok());
  CHECK(doc->entries.size() == 9);
  CHECK(entry(*doc, {}, "provider").value == toml::Value{Type::string, "stripe", {}});
  CHECK(entry(*doc, {}, "provider").line == 2);
  CHECK(entry(*doc, {}, "count").value.text == "1000");
  CHECK(entry(*doc, {}, "count").value.type == Type::integer);
  CHECK(entry(*doc, {}, "neg").value.text == "-7");
  CHECK(entry(*doc, {}, "rate").value.type == Type::floating);
  CHECK(entry(*doc, {}, "json").value.type == Type::boolean);
  CHECK(entry(*doc, {}, "quiet").value.text == "false");
  const auto& headers = entry(*doc, {"send"}, "header");
  CHECK(headers.line == 10);
  REQUIRE(headers.value.items.size() == 3);
  CHECK(headers.value.items[1].text == "B: 2");
  CHECK(entry(*doc, {"profile", "my staging"}, "url").value.text == "http://127.0.0.1:3000/h");
  CHECK(entry(*doc, {"profile", "my staging", "send"}, "retries").value.text == "3");
  CHECK(entry(*doc, {"profile", "my staging", "send"}, "retries").line == 15);
  REQUIRE(doc->headers.size() == 2);
  CHECK(doc->headers[1].line == 13);
}

TEST_CASE("toml: strings: escapes, literal and multi-line forms, CRLF lines") {
  const auto doc = toml::parse("a = \"tab\\tquote\\\"back\\\\slash\\u00e9\\U0001F600\"\r\n"
                               "b = 'C:\\path\\no\\escape'\r\n"
                               "c = \"\"\"\nline one\nline two \\\n    joined\"\"\"\n"
                               "d = '''\nraw \\n kept'''\n"
                               "e = \"\"\"two quotes at the end\"\"\"\"\"\n"
                               "\"quoted key\" = 1\n"
                               "after = 2\n",
                               "f.toml");
  REQUIRE(doc.ok());
  CHECK(entry(*doc, {}, "a").value.text == "tab\tquote\"back\\slash\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(entry(*doc, {}, "b").value.text == "C:\\path\\no\\escape");
  CHECK(entry(*doc, {}, "c").value.text == "line one\nline two joined");
  CHECK(entry(*doc, {}, "d").value.text == "raw \\n kept");
  CHECK(entry(*doc, {}, "e").value.text == "two quotes at the end\"\"");
  CHECK(entry(*doc, {}, "quoted key").value.text == "1");
  // Lines inside multi-line strings are counted.
  CHECK(entry(*doc, {}, "after").line == 11);
}

TEST_CASE("toml: every error names the file and line, on one line") {
  CHECK(error_of("a = 1\na = 2\n") == "f.toml:2: key 'a' defined twice (first on line 1)");
  CHECK(error_of("[s]\n[s]\n") == "f.toml:2: table [s] defined twice (first on line 1)");
  CHECK(error_of("a = 1\n[a]\n") == "f.toml:2: table [a] was defined as a value on line 1");
  CHECK(error_of("a = 1\na.b = 2\n").starts_with("f.toml:2: key 'a' is a value"));
  CHECK(error_of("[a.b]\n[x]\na = 1\n[a]\nb = 2\n").starts_with("f.toml:5: key 'a.b' is already a table"));
  CHECK(error_of("\n\nname = \"open\n") == "f.toml:3: key 'name': unterminated string (a \" is missing)");
  CHECK(error_of("x = {a = 1}\n").find("inline tables") != std::string::npos);
  CHECK(error_of("[[x]]\n").find("arrays of tables") != std::string::npos);
  CHECK(error_of("d = 1979-05-27\n").find("dates and times are not supported") != std::string::npos);
  CHECK(error_of("n = 0x1F\n").find("only decimal") != std::string::npos);
  CHECK(error_of("n = 012\n").find("leading zeros") != std::string::npos);
  CHECK(error_of("n = 1__0\n").find("is not a value") != std::string::npos);
  CHECK(error_of("n = 99999999999999999999\n").find("out of range") != std::string::npos);
  CHECK(error_of("s = \"\\q\"\n").find("unknown escape") != std::string::npos);
  CHECK(error_of("s = \"\\uD800\"\n").find("not a Unicode scalar value") != std::string::npos);
  CHECK(error_of("s = \"a\x01\"\n").find("control character") != std::string::npos);
  CHECK(error_of("a = 1 b = 2\n").find("unexpected 'b' after the value") != std::string::npos);
  CHECK(error_of("a = \n") == "f.toml:1: key 'a': expected a value after '='");
  CHECK(error_of("a \n") == "f.toml:1: expected '=' after key 'a'");
  CHECK(error_of("= 1\n").find("where a key should be") != std::string::npos);
  CHECK(error_of("a = [1, 2\n").find("unterminated array") != std::string::npos);
  CHECK(error_of("a = [1 2]\n").find("expected ',' or ']'") != std::string::npos);
  CHECK(error_of("a = yes\n").find("'yes' is not a value (quote strings") != std::string::npos);
  CHECK(error_of("a = \"\"\"never closed\n").find("unterminated multi-line string") != std::string::npos);
  CHECK(error_of("a = 1\nb = \"\xff\"\n") == "f.toml:2: not UTF-8 text");
  CHECK(error_of("n = 99999999999999999999\n") == "f.toml:1: key 'n': '99999999999999999999' is out of range");
  // A UTF-8 byte order mark is skipped.
  CHECK(toml::parse("\xEF\xBB\xBF"
                    "a = 1\n",
                    "f.toml")
            .ok());
  CHECK(error_of("a = " + std::string(100000, '[')).find("arrays nested too deep") != std::string::npos);
  CHECK(toml::parse("a = " + std::string(32, '[') + std::string(32, ']') + "\n", "f.toml").ok());
}

TEST_CASE("toml: to_toml writes what parse reads back") {
  for (const auto& v : {toml::Value{Type::string, "quote\" back\\ nl\n tab\t ctl\x01 \xc3\xa9", {}},
                        toml::Value{Type::integer, "-12", {}}, toml::Value{Type::floating, "1.5e-3", {}},
                        toml::Value{Type::boolean, "true", {}},
                        toml::Value{Type::array, "", {{Type::string, "a", {}}, {Type::integer, "2", {}}}}}) {
    const auto doc = toml::parse("k = " + toml::to_toml(v) + "\n", "f.toml");
    REQUIRE(doc.ok());
    CHECK(doc->entries.at(0).value == v);
  }
  CHECK(toml::dotted({"profile", "my staging", "x"}) == "profile.\"my staging\".x");
}
