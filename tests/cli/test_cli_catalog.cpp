#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"
#include "hookctl/catalog/catalog.hpp"

using testing::lines;
using testing::run;

TEST_CASE("cli: catalog lists every event as a table, filtered by --provider") {
  auto r = run({"catalog"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  auto rows = lines(r.out);
  REQUIRE(rows.size() == hookctl::catalog::events().size() + 1);
  CHECK(rows[0].starts_with("NAME "));
  CHECK(rows[0].find("PROVIDER") != std::string::npos);
  CHECK(rows[0].find("SUMMARY") != std::string::npos);
  CHECK(r.out.find("\ngithub.push ") != std::string::npos);
  CHECK(r.out.find("\nshopify.orders/create ") != std::string::npos);

  auto stripe = run({"catalog", "--provider", "stripe"});
  CHECK(stripe.code == 0);
  auto stripe_rows = lines(stripe.out);
  CHECK(stripe_rows.size() == 6);
  for (size_t i = 1; i < stripe_rows.size(); ++i) CHECK(stripe_rows[i].starts_with("stripe."));
  CHECK(run({"catalog", "-p", "hmac"}).code == 2); // no events for the generic scheme
}

TEST_CASE("cli: catalog --json lists {name, provider, summary, content_type}") {
  auto r = run({"catalog", "--json"});
  CHECK(r.code == 0);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["events"].size() == hookctl::catalog::events().size());
  for (const auto& e : doc["events"]) {
    CHECK(e.size() == 4);
    CHECK(e["name"].is_string());
    CHECK(e["provider"].is_string());
    CHECK(e["summary"].is_string());
    CHECK(e["content_type"].is_string());
  }
  auto twilio = nlohmann::json::parse(run({"catalog", "--json", "-p", "twilio"}).out);
  CHECK(twilio["events"][0]["content_type"] == "application/x-www-form-urlencoded");
}

TEST_CASE("cli: catalog NAME prints the body byte-exact, with the context's time and randomness") {
  auto r = run({"catalog", "stripe.invoice.paid"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.starts_with("{\n  \"id\": \"evt_"));
  CHECK(r.out.back() == '}'); // no newline added to a pipe or file
  auto body = nlohmann::json::parse(r.out);
  CHECK(body["created"] == testing::k_now);
  CHECK(body["type"] == "invoice.paid");
  CHECK(run({"catalog", "stripe.invoice.paid"}).out == r.out); // the harness's random source restarts

  auto form = run({"catalog", "twilio.sms"});
  CHECK(form.code == 0);
  CHECK(form.out.find("&Body=Hello+from+hookctl%21&") != std::string::npos);
  CHECK(form.out.find('\n') == std::string::npos);
}

TEST_CASE("cli: catalog NAME --headers prints Content-Type and context headers first") {
  auto r = run({"catalog", "github.push", "--headers"});
  CHECK(r.code == 0);
  auto out = lines(r.out);
  REQUIRE(out.size() > 4);
  CHECK(out[0] == "Content-Type: application/json");
  CHECK(r.out.find("\nX-GitHub-Event: push\n") != std::string::npos);
  CHECK(r.out.find("\nX-GitHub-Delivery: ") != std::string::npos);
  CHECK(r.out.find("X-Hub-Signature") == std::string::npos); // signing is `hookctl sign`'s job
  size_t blank = r.out.find("\n\n");
  REQUIRE(blank != std::string::npos);
  CHECK(nlohmann::json::parse(r.out.substr(blank + 2))["ref"] == "refs/heads/main");
}

TEST_CASE("cli: catalog NAME --json prints name, provider, content type, headers and body") {
  auto r = run({"catalog", "shopify.orders/create", "--json"});
  CHECK(r.code == 0);
  auto doc = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& [k, v] : doc.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"name", "provider", "content_type", "headers", "body"});
  CHECK(doc["name"] == "shopify.orders/create");
  CHECK(doc["provider"] == "shopify");
  CHECK(doc["headers"]["X-Shopify-Topic"] == "orders/create");
  CHECK(doc["headers"]["X-Shopify-Triggered-At"] == "2023-11-14T22:13:20.000000000Z");
  CHECK(doc["body"]["line_items"][0]["sku"] == "HOOD-M");

  auto form = nlohmann::json::parse(run({"catalog", "slack.slash_command", "--json"}).out);
  REQUIRE(form["body"].is_string());
  CHECK(form["body"].get<std::string>().find("command=%2Fdeploy") != std::string::npos);
  CHECK(run({"catalog", "shopify.orders.create", "--json"}).out == r.out); // the dotted spelling
}

TEST_CASE("cli: catalog NAME --set edits the body") {
  auto r = run({"catalog", "stripe.invoice.paid", "--set", "data.object.amount_paid=500", "--set",
                "data.object.metadata.plan=pro"});
  CHECK(r.code == 0);
  CHECK(r.out.find('\n') == std::string::npos); // re-serialised compactly
  auto body = nlohmann::json::parse(r.out);
  CHECK(body["data"]["object"]["amount_paid"] == 500);
  CHECK(body["data"]["object"]["metadata"]["plan"] == "pro");

  auto labels =
      nlohmann::json::parse(run({"catalog", "github.pull_request", "--set", "pull_request.labels.0.name=bug"}).out);
  CHECK(labels["pull_request"]["labels"][0]["name"] == "bug");

  auto form = run({"catalog", "twilio.sms", "--set", "Body=Stop now"});
  CHECK(form.code == 0);
  CHECK(form.out.find("&Body=Stop%20now&") != std::string::npos);

  auto bad = run({"catalog", "github.push", "--set", "commits.5.id=x"});
  CHECK(bad.code == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err == "hookctl: error: --set commits.5.id: index 5 is past the end of 'commits' (1 item)\n");
}

TEST_CASE("cli: catalog --provider lets NAME leave out its provider") {
  auto r = run({"catalog", "-p", "github", "push", "--json"});
  CHECK(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["name"] == "github.push");
  // A full name still wins.
  CHECK(nlohmann::json::parse(run({"catalog", "-p", "github", "stripe.invoice.paid", "--json"}).out)["name"] ==
        "stripe.invoice.paid");
}

TEST_CASE("cli: catalog errors exit 2 with one line") {
  auto unknown = run({"catalog", "github.psh"});
  CHECK(unknown.code == 2);
  CHECK(unknown.out.empty());
  CHECK(unknown.err == "hookctl: error: unknown event 'github.psh'; did you mean 'github.push'?\n");

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"catalog", "--set", "a=1"},                   // --set needs NAME
           {"catalog", "--headers"},                      // so does --headers
           {"catalog", "github.push", "--set", "nopath"}, // not PATH=VALUE
           {"catalog", "--provider", "nope"},
           {"catalog", "@/nonexistent/event.json"},
           {"catalog", "nosuch.event", "--json"},
       }) {
    auto joined = testing::command_line(args);
    CAPTURE(joined);
    auto r = run(args);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("hookctl: error: "));
    CHECK(lines(r.err).size() <= 2);
  }
}

TEST_CASE("cli: catalog @FILE and @- instantiate an event envelope") {
  auto r = run(
      {"catalog", "@-", "--headers"},
      R"({"provider": "stripe", "headers": {"X-Trace": "{{uuid}}"}, "body": {"id": "{{id:evt}}", "created": "{{unix}}"}})");
  CHECK(r.code == 0);
  auto out = lines(r.out);
  REQUIRE(out.size() == 4);
  CHECK(out[0] == "Content-Type: application/json");
  CHECK(out[1].starts_with("X-Trace: "));
  CHECK(out[1].size() == 9 + 36);
  CHECK(out[2].empty());
  CHECK(out[3].starts_with(R"({"id":"evt_)"));
  CHECK(out[3].ends_with(R"(","created":1700000000})"));

  auto path = std::filesystem::temp_directory_path() / "hookctl_cli_catalog_event.json";
  {
    std::ofstream f(path, std::ios::binary);
    f << R"({"name": "my.event", "body_text": "a=1&b={{unix}}", "content_type": "application/x-www-form-urlencoded"})";
  }
  auto file = run({"catalog", "@" + path.string(), "--json", "--set", "c=x y"});
  std::filesystem::remove(path);
  CHECK(file.code == 0);
  auto doc = nlohmann::json::parse(file.out);
  CHECK(doc["name"] == "my.event");
  CHECK(doc["provider"] == "");
  CHECK(doc["body"] == "a=1&b=1700000000&c=x%20y");

  auto bad = run({"catalog", "@-"}, R"({"body": 1, "headers": {"X A": "1"}})");
  CHECK(bad.code == 2);
  CHECK(bad.err == "hookctl: error: stdin: header name \"X A\" is not a valid field name\n");
  auto broken = run({"catalog", "@-"}, "{\"body\": ");
  CHECK(broken.code == 2);
  CHECK(broken.err == "hookctl: error: stdin: not valid JSON (line 1, column 10)\n");
}

TEST_CASE("cli: catalog --help shows the options and examples") {
  auto r = run({"catalog", "--help"});
  CHECK(r.code == 0);
  for (auto s : {"--provider", "--headers", "--set", "--json", "hookctl catalog --provider stripe", "Exit status:"})
    CHECK(r.out.find(s) != std::string::npos);
}
