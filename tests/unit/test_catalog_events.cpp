#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "catalog_helpers.hpp"
#include "hookctl/catalog/catalog.hpp"
#include "hookctl/sign/ids.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace catalog = hookctl::catalog;
namespace sign = hookctl::sign;
using hookctl::util::split;

namespace {

constexpr int64_t k_now = testing::k_catalog_now;
using testing::fresh;

catalog::Event make(std::string_view name, unsigned seed = 1, int64_t now = k_now) {
  auto ev = catalog::instantiate(name, fresh(seed, now));
  REQUIRE_MESSAGE(ev.ok(), (ev.ok() ? "" : ev.error().message));
  return std::move(ev).value();
}

bool is_json(const catalog::Event& ev) { return ev.content_type.find("json") != std::string::npos; }

nlohmann::json body_json(const catalog::Event& ev) { return nlohmann::json::parse(ev.body); }

// The form fields of `body`, decoded.
std::map<std::string, std::string> form_fields(std::string_view body) {
  std::map<std::string, std::string> out;
  for (auto field : split(body, '&')) {
    size_t eq = field.find('=');
    REQUIRE(eq != std::string_view::npos);
    auto name = hookctl::util::form_decode(field.substr(0, eq));
    auto value = hookctl::util::form_decode(field.substr(eq + 1));
    REQUIRE(name);
    REQUIRE(value);
    out[*name] = *value;
  }
  return out;
}

// The event type after the `provider.` prefix of `name`.
std::string suffix(std::string_view name) { return std::string(name.substr(name.find('.') + 1)); }

// RFC 8032 §7.1 TEST 2.
constexpr const char* k_rfc_seed = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
constexpr const char* k_rfc_pub = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

} // namespace

TEST_CASE("catalog::events: sorted, unique, and at least five events for each major provider") {
  const auto& list = catalog::events();
  REQUIRE(list.size() >= 40);
  CHECK(std::is_sorted(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
  std::set<std::string_view> names;
  std::map<std::string_view, int> per_provider;
  for (const auto& e : list) {
    CAPTURE(e.name);
    CHECK(names.insert(e.name).second);
    CHECK(e.name.starts_with(std::string(e.provider) + "."));
    CHECK(sign::find_provider(e.provider) != nullptr);
    CHECK_FALSE(e.summary.empty());
    CHECK_FALSE(e.content_type.empty());
    ++per_provider[e.provider];
  }
  for (auto p : {"github", "stripe", "shopify", "slack", "standard"}) {
    CAPTURE(p);
    CHECK(per_provider[p] >= 5);
  }
  for (auto p : {"twilio", "discord", "svix", "gitlab", "twitch", "square", "paddle"}) {
    CAPTURE(p);
    CHECK(per_provider[p] >= 1);
  }
  for (auto n : {"github.push", "github.pull_request", "github.issues", "github.ping", "github.workflow_run",
                 "stripe.payment_intent.succeeded", "stripe.checkout.session.completed",
                 "stripe.customer.subscription.updated", "stripe.invoice.paid", "stripe.charge.refunded",
                 "slack.url_verification", "slack.event_callback", "slack.slash_command", "shopify.orders/create",
                 "twilio.sms", "discord.ping", "standard.user.created", "standard.invoice.paid"}) {
    CAPTURE(n);
    CHECK(catalog::find_event(n) != nullptr);
  }
}

TEST_CASE("catalog::instantiate: every event fills, and its body parses as its content type says") {
  for (const auto& e : catalog::events()) {
    CAPTURE(e.name);
    auto ev = make(e.name);
    CHECK(ev.name == e.name);
    CHECK(ev.provider == e.provider);
    CHECK(ev.content_type == e.content_type);
    CHECK(ev.body.find("{{") == std::string::npos); // every placeholder filled
    CHECK(hookctl::util::is_printable_utf8(ev.body));
    CHECK_FALSE(ev.headers.get("Content-Type")); // that is content_type
    for (const auto& [name, value] : ev.headers.fields()) {
      CAPTURE(name);
      CHECK(value.find("{{") == std::string::npos);
      CHECK(hookctl::util::is_field_value(value));
      CHECK_FALSE(value.empty());
    }
    if (is_json(ev)) {
      CHECK(nlohmann::json::accept(ev.body));
      if (ev.provider != "stripe") CHECK(ev.body.find('\n') == std::string::npos); // compact
    } else {
      CHECK(ev.content_type == "application/x-www-form-urlencoded");
      CHECK(form_fields(ev.body).size() >= 5);
    }
  }
}

TEST_CASE("catalog::instantiate: each provider's context headers, matching the body") {
  for (const auto& e : catalog::events()) {
    CAPTURE(e.name);
    auto ev = make(e.name);
    const std::string type = suffix(e.name);
    if (ev.provider == "github") {
      CHECK(ev.headers.get("X-GitHub-Event") == type);
      CHECK(ev.headers.get("X-GitHub-Delivery") == ev.delivery_id);
      CHECK(ev.delivery_id.size() == 36);
      CHECK(ev.headers.get("X-GitHub-Hook-ID"));
      CHECK(ev.headers.get("X-GitHub-Hook-Installation-Target-Type") == "repository");
      CHECK(ev.headers.get("User-Agent")->starts_with("GitHub-Hookshot/"));
      auto body = body_json(ev);
      // Labelled placeholders: the target id header is the repository's id.
      CHECK(std::to_string(body["repository"]["id"].get<int64_t>()) ==
            ev.headers.get("X-GitHub-Hook-Installation-Target-ID"));
      if (type == "ping") {
        CHECK(std::to_string(body["hook_id"].get<int64_t>()) == ev.headers.get("X-GitHub-Hook-ID"));
        CHECK(body["hook"]["id"] == body["hook_id"]);
      }
      if (type == "push") {
        CHECK(body["head_commit"]["id"] == body["after"]);
        CHECK(body["after"].get<std::string>().size() == 40);
        CHECK(body["repository"]["pushed_at"] == k_now); // unix seconds in push events
      }
      if (type != "push" && type != "ping") CHECK(body.contains("action"));
    } else if (ev.provider == "shopify") {
      CHECK(ev.headers.get("X-Shopify-Topic") == type);
      CHECK(ev.headers.get("X-Shopify-Shop-Domain")->ends_with(".myshopify.com"));
      CHECK(ev.headers.get("X-Shopify-API-Version"));
      CHECK(ev.headers.get("X-Shopify-Webhook-Id") == ev.delivery_id);
      CHECK(ev.headers.get("X-Shopify-Triggered-At") == "2023-11-14T22:13:20.000000000Z");
      CHECK(body_json(ev)["id"].is_number_integer());
    } else if (ev.provider == "stripe") {
      auto body = body_json(ev);
      CHECK(body["type"] == type);
      CHECK(body["object"] == "event");
      CHECK(body["created"] == k_now);
      CHECK(body["id"].get<std::string>().starts_with("evt_"));
      CHECK(body["id"].get<std::string>().size() == 28);
      CHECK(body["data"]["object"].is_object());
      CHECK(ev.body.find("\n  \"id\": \"evt_") != std::string::npos); // pretty-printed as Stripe sends
      CHECK(ev.delivery_id.empty());
    } else if (ev.provider == "standard" || ev.provider == "svix") {
      auto body = body_json(ev);
      CHECK(body["type"] == type);
      CHECK(body["timestamp"] == "2023-11-14T22:13:20.000000Z");
      CHECK(body["data"].is_object());
    } else if (ev.provider == "slack") {
      CHECK(ev.headers.get("User-Agent")->starts_with("Slackbot"));
      if (is_json(ev)) {
        auto body = body_json(ev);
        CHECK((body["type"] == type || (body["type"] == "event_callback" && body["event"]["type"] == type)));
        if (type == "event_callback") CHECK(body["event"]["ts"] == body["event"]["event_ts"]);
      } else {
        CHECK(form_fields(ev.body)["command"] == "/deploy");
      }
    } else if (ev.provider == "twilio") {
      auto fields = form_fields(ev.body);
      CHECK(fields["AccountSid"].starts_with("AC"));
      CHECK(fields["AccountSid"].size() == 34);
      CHECK(fields["From"].starts_with("+1"));
      CHECK(fields["ApiVersion"] == "2010-04-01");
      if (type == "sms") CHECK(fields["MessageSid"] == fields["SmsSid"]);
    } else if (ev.provider == "discord") {
      auto body = body_json(ev);
      CHECK(body["type"] == (type == "ping" ? 1 : type == "application_command" ? 2 : 3));
      // A snowflake's top bits are milliseconds since 2015-01-01.
      auto id = std::stoull(body["id"].get<std::string>());
      CHECK((id >> 22) == static_cast<uint64_t>(k_now * 1000 - 1420070400000));
    } else if (ev.provider == "twitch") {
      auto body = body_json(ev);
      CHECK(ev.headers.get("Twitch-Eventsub-Subscription-Type") == body["subscription"]["type"]);
      CHECK(ev.headers.get("Twitch-Eventsub-Subscription-Version") == body["subscription"]["version"]);
      CHECK(ev.headers.get("Twitch-Eventsub-Message-Type") ==
            (type == "webhook_callback_verification" ? "webhook_callback_verification" : "notification"));
      CHECK_FALSE(ev.headers.get("Twitch-Eventsub-Message-Id")); // signing adds id and timestamp
    } else if (ev.provider == "gitlab") {
      CHECK(ev.headers.get("X-Gitlab-Event") == (type == "push" ? "Push Hook" : "Merge Request Hook"));
      CHECK(body_json(ev)["object_kind"] == type);
      CHECK(ev.headers.get("X-Gitlab-Event-UUID") == ev.headers.get("Idempotency-Key"));
    } else if (ev.provider == "square") {
      auto body = body_json(ev);
      CHECK(body["type"] == type);
      CHECK(body["data"]["id"] == body["data"]["object"]["payment"]["id"]);
    } else if (ev.provider == "paddle") {
      auto body = body_json(ev);
      CHECK(body["event_type"] == type);
      CHECK(body["event_id"].get<std::string>().size() == 30);
    }
  }
}

TEST_CASE("catalog::instantiate: ids differ with other random bytes, and the same inputs give the same event") {
  for (const auto& e : catalog::events()) {
    CAPTURE(e.name);
    auto a = make(e.name, 1);
    auto b = make(e.name, 2);
    auto again = make(e.name, 1);
    CHECK(a.body != b.body);
    CHECK(a.body == again.body);
    CHECK(a.headers.fields() == again.headers.fields());
    if (!a.delivery_id.empty()) CHECK(a.delivery_id != b.delivery_id);
  }
  auto later = make("stripe.invoice.paid", 1, k_now + 3600);
  CHECK(body_json(later)["created"] == k_now + 3600);
  CHECK(body_json(make("standard.user.created", 1, 0))["timestamp"] == "1970-01-01T00:00:00.000000Z");
}

TEST_CASE("catalog::instantiate: every event verifies with its provider after signing") {
  for (const auto& e : catalog::events()) {
    CAPTURE(e.name);
    auto ev = make(e.name, 7);
    sign::Keys keys;
    if (ev.provider == "discord")
      keys.private_keys = {k_rfc_seed};
    else if (ev.provider == "standard" || ev.provider == "svix")
      keys.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
    else
      keys.secrets = {"a-test-secret-0123456789"};
    auto scheme = sign::make_scheme(ev.provider);
    REQUIRE(scheme.ok());

    sign::SignRequest sr;
    sr.body = ev.body;
    sr.headers = ev.headers;
    sr.headers.set("Content-Type", ev.content_type);
    sr.url = "https://example.test/webhooks/" + ev.provider;
    sr.id = ev.delivery_id.empty() ? sign::delivery_id(ev.provider, "0123456789abcdef") : ev.delivery_id;
    sr.timestamp = k_now;
    sr.keys = keys;
    auto signed_ = (*scheme)->sign(sr);
    REQUIRE_MESSAGE(signed_.ok(), (signed_.ok() ? "" : signed_.error().message));

    // Context headers merged with the signature headers: the delivery id is not sent twice.
    hookctl::util::Headers all = sr.headers;
    for (const auto& [name, value] : signed_->headers.fields()) all.set(name, value);
    for (const auto& [name, value] : all.fields()) {
      CAPTURE(name);
      CHECK(all.count(name) == 1);
    }
    sign::VerifyRequest vr;
    vr.body = ev.body;
    vr.headers = all;
    vr.url = signed_->url;
    vr.now = k_now + 1;
    vr.keys = keys;
    if (ev.provider == "discord") vr.keys = {{}, {}, {k_rfc_pub}};
    auto verdict = (*scheme)->verify(vr);
    REQUIRE(verdict.ok());
    CHECK_MESSAGE(verdict->valid, verdict->detail);
  }
}

TEST_CASE("catalog::instantiate: an unknown name is a usage error naming the closest events") {
  auto r = catalog::instantiate("stripe.invoice.payed", fresh(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == hookctl::Errc::usage);
  CHECK(r.error().message.starts_with("unknown event 'stripe.invoice.payed'"));
  CHECK(r.error().message.find("did you mean 'stripe.invoice.paid'") != std::string::npos);

  auto bare = catalog::instantiate("push", fresh(1));
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().message.find("'github.push'") != std::string::npos);

  auto provider = catalog::instantiate("stripe", fresh(1));
  REQUIRE_FALSE(provider.ok());
  CHECK(provider.error().message.find("stripe.charge.refunded") != std::string::npos);

  auto far = catalog::instantiate("zzzzzz", fresh(1));
  REQUIRE_FALSE(far.ok());
  CHECK(far.error().message == "unknown event 'zzzzzz'; run 'hookctl catalog' for the list");

  auto binary = catalog::instantiate(std::string("a\nb\0c", 5), fresh(1));
  REQUIRE_FALSE(binary.ok());
  CHECK(binary.error().message.find('\n') == std::string::npos);
  for (const auto* msg : {&r.error().message, &bare.error().message, &provider.error().message})
    CHECK(msg->find('\n') == std::string::npos);
}

TEST_CASE("catalog::instantiate: Shopify topics also answer to dots") {
  CHECK(catalog::find_event("shopify.orders.create") == catalog::find_event("shopify.orders/create"));
  CHECK(catalog::find_event("shopify.app.uninstalled") != nullptr);
  CHECK(catalog::find_event("shopify.orders") == nullptr);
  auto ev = make("shopify.orders.create");
  CHECK(ev.name == "shopify.orders/create");
  CHECK(ev.headers.get("X-Shopify-Topic") == "orders/create");
}

TEST_CASE("catalog::instantiate: an empty random source gives zero bytes, not a crash") {
  catalog::Fresh none{k_now, {}};
  auto ev = catalog::instantiate("github.push", none);
  REQUIRE(ev.ok());
  CHECK(body_json(*ev)["before"] == std::string(40, '0'));
  CHECK(ev->delivery_id == "00000000-0000-4000-8000-000000000000");
}
