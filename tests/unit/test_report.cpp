// report: curl commands (quoting, binary bodies through printf, no body for a bare GET) and the
// JUnit writer (counts in the suite head, escaping, failures and skips).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <doctest/doctest.h>

#include "hookctl/report/curl.hpp"
#include "hookctl/report/junit.hpp"

using namespace hookctl;

TEST_CASE("report::curl_command: quoting, binary bodies, and no body for a bare GET or HEAD") {
  util::Headers h{{"X-A", "it's"}};
  CHECK(report::curl_command("POST", "http://x/a", h, "{}") ==
        R"(curl -sS -X 'POST' 'http://x/a' -H 'X-A: it'\''s' --data-binary '{}')");
  CHECK(report::curl_command("POST", "http://x/", {}, "") == "curl -sS -X 'POST' 'http://x/' --data-binary ''");
  CHECK(report::curl_command("GET", "http://x/", {}, "") == "curl -sS -X 'GET' 'http://x/'");
  CHECK(report::curl_command("HEAD", "http://x/", {}, "") == "curl -sS -X 'HEAD' 'http://x/'");
  CHECK(report::curl_command("GET", "http://x/", {}, "q") == "curl -sS -X 'GET' 'http://x/' --data-binary 'q'");
  CHECK(report::curl_command("PUT", "http://x/", {}, std::string("\x00\xff", 2)) ==
        R"(printf '\000\377' | curl -sS -X 'PUT' 'http://x/' --data-binary @-)");
}

TEST_CASE("report::JunitWriter: one test case each, counts in the suite head, text escaped") {
  CHECK(report::xml_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;");
  CHECK(report::xml_escape(std::string("x\x01y\xffz", 5)) == "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
  CHECK(report::xml_escape("caf\xC3\xA9\n\t") == "caf\xC3\xA9\n\t");
  const auto path = std::filesystem::temp_directory_path() / ("hookctl-junit-" + std::to_string(::getpid()) + ".xml");
  auto w = report::JunitWriter::open(path.string(), "suite <1>");
  REQUIRE(w.ok());
  (*w)->add({"passes", "c", 0.25, std::nullopt, "", false});
  (*w)->add({"fails & more", "c", 1, std::string("status 200 recorded, got 500"), "POST /x", false});
  (*w)->add({"skipped", "c", 0, std::string("nothing recorded"), "", true});
  REQUIRE((*w)->finish(1.5).ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string xml = text.str();
  CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"));
  CHECK(xml.find(R"(<testsuite name="suite &lt;1&gt;" tests="3" failures="1" errors="0" skipped="1" time="1.500">)") !=
        std::string::npos);
  CHECK(xml.find(R"(<testcase name="passes" classname="c" time="0.250"/>)") != std::string::npos);
  CHECK(xml.find(R"(<failure message="status 200 recorded, got 500" type="mismatch">POST /x</failure>)") !=
        std::string::npos);
  CHECK(xml.find(R"(name="fails &amp; more")") != std::string::npos);
  CHECK(xml.find(R"(<skipped message="nothing recorded"/>)") != std::string::npos);
  CHECK(xml.ends_with("</testsuite>\n</testsuites>\n"));
  std::filesystem::remove(path);
  auto bad = report::JunitWriter::open("/nonexistent-dir/x.xml", "s");
  REQUIRE(bad.ok());
  CHECK((*bad)->finish(0).error().code == Errc::environment);
}
