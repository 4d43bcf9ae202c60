// The built-in events: compact copies of the payloads each provider documents, with placeholders
// (see placeholders.hpp) wherever an id or a time must be fresh on each send. Names, addresses and
// numbers are made up (example.com, 555-01xx phone numbers, Stripe's test card 4242).
#include <utility>

#include "hookctl/catalog/detail.hpp"

// g++ 12 warns about members left out of a designated initializer, which is the point of using
// them here (GCC bug 96868, fixed in g++ 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace hookctl::catalog::detail {
namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view k_json = "application/json";
constexpr std::string_view k_form = "application/x-www-form-urlencoded";

// ---------------------------------------------------------------------------------------------
// GitHub: docs.github.com "Webhook events and payloads"; delivery headers X-GitHub-Event,
// X-GitHub-Delivery, X-GitHub-Hook-ID and X-GitHub-Hook-Installation-Target-ID/-Type.

HeaderList github_headers(std::string_view event) {
  return {{"User-Agent", "GitHub-Hookshot/{{rand:hex:7}}"},
          {"X-GitHub-Delivery", "{{uuid}}"},
          {"X-GitHub-Event", std::string(event)},
          {"X-GitHub-Hook-ID", "{{num:9#hook}}"},
          {"X-GitHub-Hook-Installation-Target-ID", "{{num:9#repo}}"},
          {"X-GitHub-Hook-Installation-Target-Type", "repository"}};
}

// The repository object; push events carry created_at and pushed_at as unix seconds, the others as
// RFC 3339 strings.
std::string github_repository(bool push) {
  std::string created = push ? "{{unix-31536000}}" : "\"{{iso-31536000}}\"";
  std::string pushed = push ? "{{unix}}" : "\"{{iso-60}}\"";
  return R"("repository": {
  "id": {{num:9#repo}}, "node_id": "R_kgDO{{rand:alnum:6#repo}}", "name": "hello-world",
  "full_name": "octo-org/hello-world", "private": false,
  "owner": {"login": "octo-org", "id": {{num:8#org}}, "type": "Organization"},
  "html_url": "https://github.com/octo-org/hello-world", "description": "A sample repository", "fork": false,
  "url": "https://api.github.com/repos/octo-org/hello-world", "created_at": )" +
         created + R"(, "updated_at": "{{iso-3600}}", "pushed_at": )" + pushed + R"(,
  "default_branch": "main", "visibility": "public"
})";
}

constexpr std::string_view k_github_sender = R"("sender": {
  "login": "octocat", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==",
  "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4", "type": "User", "site_admin": false
})";

std::string github_tail(bool push = false) {
  return github_repository(push) + ",\n" + std::string(k_github_sender) + "\n}";
}

constexpr std::string_view k_github_commit = R"({
  "id": "{{rand:hex:40#after}}", "tree_id": "{{rand:hex:40}}", "distinct": true,
  "message": "Fix typo in README", "timestamp": "{{iso-30}}",
  "url": "https://github.com/octo-org/hello-world/commit/{{rand:hex:40#after}}",
  "author": {"name": "Mona Lisa Octocat", "email": "octocat@github.com", "username": "octocat"},
  "committer": {"name": "Mona Lisa Octocat", "email": "octocat@github.com", "username": "octocat"},
  "added": [], "removed": [], "modified": ["README.md"]
})";

void add_github(std::vector<Template>& out) {
  auto add = [&](std::string event, std::string summary, std::string body) {
    out.push_back({.name = "github." + event,
                   .provider = "github",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .headers = github_headers(event),
                   .body = std::move(body),
                   .delivery_id_header = "X-GitHub-Delivery"});
  };
  add("push", "Commits pushed to refs/heads/main",
      R"({
  "ref": "refs/heads/main", "before": "{{rand:hex:40}}", "after": "{{rand:hex:40#after}}",
  "created": false, "deleted": false, "forced": false, "base_ref": null,
  "compare": "https://github.com/octo-org/hello-world/compare/{{rand:hex:12}}...{{rand:hex:12}}",
  "commits": [)" +
          std::string(k_github_commit) +
          R"(],
  "head_commit": )" +
          std::string(k_github_commit) +
          R"(,
  "pusher": {"name": "octocat", "email": "octocat@github.com"},
)" + github_tail(true));
  add("pull_request", "Pull request opened (action: opened)",
      R"({
  "action": "opened", "number": {{num:3#pr}},
  "pull_request": {
    "url": "https://api.github.com/repos/octo-org/hello-world/pulls/{{num:3#pr}}",
    "id": {{num:10}}, "node_id": "PR_kwDO{{rand:alnum:14}}",
    "html_url": "https://github.com/octo-org/hello-world/pull/{{num:3#pr}}",
    "number": {{num:3#pr}}, "state": "open", "locked": false, "title": "Retry failed deliveries",
    "user": {"login": "octocat", "id": 583231, "type": "User"},
    "body": "Retries failed deliveries with exponential backoff.",
    "labels": [{"id": {{num:10}}, "node_id": "LA_kwDO{{rand:alnum:14}}", "name": "enhancement", "color": "a2eeef", "default": true}],
    "created_at": "{{iso}}", "updated_at": "{{iso}}", "closed_at": null, "merged_at": null,
    "draft": false, "merged": false, "mergeable": null,
    "head": {"label": "octocat:retries", "ref": "retries", "sha": "{{rand:hex:40}}"},
    "base": {"label": "octo-org:main", "ref": "main", "sha": "{{rand:hex:40}}"},
    "commits": 3, "additions": 120, "deletions": 8, "changed_files": 4
  },
)" + github_tail());
  add("issues", "Issue opened (action: opened)",
      R"({
  "action": "opened",
  "issue": {
    "url": "https://api.github.com/repos/octo-org/hello-world/issues/{{num:3#issue}}",
    "html_url": "https://github.com/octo-org/hello-world/issues/{{num:3#issue}}",
    "id": {{num:10}}, "node_id": "I_kwDO{{rand:alnum:14}}", "number": {{num:3#issue}},
    "title": "Webhook deliveries time out", "state": "open", "locked": false,
    "user": {"login": "octocat", "id": 583231, "type": "User"},
    "labels": [{"id": {{num:10}}, "name": "bug", "color": "d73a4a", "default": true}],
    "assignees": [], "comments": 0, "created_at": "{{iso}}", "updated_at": "{{iso}}", "closed_at": null,
    "author_association": "OWNER", "body": "Deliveries to our endpoint time out after 10 s."
  },
)" + github_tail());
  add("ping", "Sent when a webhook is created",
      R"({
  "zen": "Keep it logically awesome.", "hook_id": {{num:9#hook}},
  "hook": {
    "type": "Repository", "id": {{num:9#hook}}, "name": "web", "active": true, "events": ["push", "pull_request"],
    "config": {"content_type": "json", "insecure_ssl": "0", "url": "https://example.com/webhooks/github"},
    "updated_at": "{{iso}}", "created_at": "{{iso}}",
    "url": "https://api.github.com/repos/octo-org/hello-world/hooks/{{num:9#hook}}",
    "test_url": "https://api.github.com/repos/octo-org/hello-world/hooks/{{num:9#hook}}/test",
    "ping_url": "https://api.github.com/repos/octo-org/hello-world/hooks/{{num:9#hook}}/pings",
    "last_response": {"code": null, "status": "unused", "message": null}
  },
)" + github_tail());
  add("workflow_run", "GitHub Actions run completed (conclusion: success)",
      R"({
  "action": "completed",
  "workflow_run": {
    "id": {{num:10#run}}, "name": "CI", "node_id": "WFR_kwLO{{rand:alnum:14}}", "head_branch": "main",
    "head_sha": "{{rand:hex:40}}", "path": ".github/workflows/ci.yml", "display_title": "Fix typo in README",
    "run_number": {{num:3}}, "event": "push", "status": "completed", "conclusion": "success",
    "workflow_id": {{num:8#workflow}}, "run_attempt": 1,
    "url": "https://api.github.com/repos/octo-org/hello-world/actions/runs/{{num:10#run}}",
    "html_url": "https://github.com/octo-org/hello-world/actions/runs/{{num:10#run}}",
    "created_at": "{{iso-180}}", "updated_at": "{{iso}}", "run_started_at": "{{iso-180}}"
  },
  "workflow": {
    "id": {{num:8#workflow}}, "node_id": "W_kwDO{{rand:alnum:14}}", "name": "CI", "path": ".github/workflows/ci.yml",
    "state": "active", "created_at": "{{iso-31536000}}", "updated_at": "{{iso-86400}}"
  },
)" + github_tail());
}

// ---------------------------------------------------------------------------------------------
// Stripe: docs.stripe.com "Event object" and the API objects; Stripe sends its events
// pretty-printed with two spaces, which is kept (Layout::as_written). Ids are a prefix and 24
// base62 characters.

enum class From { api, automatic };

std::string stripe_event(std::string_view type, std::string_view object, std::string_view previous, From from) {
  std::string s = R"({
  "id": "{{id:evt}}",
  "object": "event",
  "api_version": "2024-06-20",
  "created": {{unix}},
  "data": {
    "object": )";
  s += object;
  if (!previous.empty()) {
    s += ",\n    \"previous_attributes\": ";
    s += previous;
  }
  s += R"(
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
)";
  s += from == From::api ? "    \"id\": \"req_{{rand:alnum:14}}\",\n    \"idempotency_key\": \"{{uuid}}\"\n"
                         : "    \"id\": null,\n    \"idempotency_key\": null\n";
  s += "  },\n  \"type\": \"";
  s += type;
  s += "\"\n}";
  return s;
}

void add_stripe(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string summary, std::string_view object, std::string_view previous, From from) {
    out.push_back({.name = "stripe." + type,
                   .provider = "stripe",
                   .summary = std::move(summary),
                   .content_type = "application/json; charset=utf-8",
                   .headers = {{"User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}},
                   .body = stripe_event(type, object, previous, from),
                   .layout = Layout::as_written});
  };
  add("payment_intent.succeeded", "A PaymentIntent of $20.00 succeeded", R"({
      "id": "{{id:pi}}",
      "object": "payment_intent",
      "amount": 2000,
      "amount_capturable": 0,
      "amount_received": 2000,
      "capture_method": "automatic_async",
      "confirmation_method": "automatic",
      "created": {{unix-4}},
      "currency": "usd",
      "customer": "{{id:cus}}",
      "description": "Order #1001",
      "latest_charge": "{{id:ch}}",
      "livemode": false,
      "metadata": {
        "order_id": "1001"
      },
      "payment_method": "{{id:pm}}",
      "payment_method_types": [
        "card"
      ],
      "receipt_email": "jenny.rosen@example.com",
      "status": "succeeded"
    })",
      {}, From::api);
  add("checkout.session.completed", "A Checkout Session was paid and completed", R"({
      "id": "{{id:cs_test}}",
      "object": "checkout.session",
      "amount_subtotal": 2000,
      "amount_total": 2000,
      "client_reference_id": null,
      "created": {{unix-90}},
      "currency": "usd",
      "customer": "{{id:cus}}",
      "customer_details": {
        "email": "jenny.rosen@example.com",
        "name": "Jenny Rosen"
      },
      "expires_at": {{unix+86310}},
      "livemode": false,
      "metadata": {},
      "mode": "payment",
      "payment_intent": "{{id:pi}}",
      "payment_status": "paid",
      "status": "complete",
      "success_url": "https://example.com/checkout/success",
      "url": null
    })",
      {}, From::automatic);
  add("customer.subscription.updated", "A subscription left its trial and became active", R"({
      "id": "{{id:sub}}",
      "object": "subscription",
      "cancel_at_period_end": false,
      "collection_method": "charge_automatically",
      "created": {{unix-1209600}},
      "currency": "usd",
      "current_period_end": {{unix+2592000}},
      "current_period_start": {{unix}},
      "customer": "{{id:cus}}",
      "items": {
        "object": "list",
        "data": [
          {
            "id": "{{id:si}}",
            "object": "subscription_item",
            "price": {
              "id": "{{id:price}}",
              "object": "price",
              "currency": "usd",
              "product": "{{id:prod}}",
              "recurring": {
                "interval": "month",
                "interval_count": 1
              },
              "type": "recurring",
              "unit_amount": 4900
            },
            "quantity": 1
          }
        ],
        "has_more": false
      },
      "latest_invoice": "{{id:in}}",
      "livemode": false,
      "metadata": {},
      "status": "active",
      "trial_end": {{unix}},
      "trial_start": {{unix-1209600}}
    })",
      R"({
      "status": "trialing"
    })",
      From::automatic);
  add("invoice.paid", "A $49.00 subscription invoice was paid", R"({
      "id": "{{id:in#in}}",
      "object": "invoice",
      "account_country": "US",
      "amount_due": 4900,
      "amount_paid": 4900,
      "amount_remaining": 0,
      "billing_reason": "subscription_cycle",
      "collection_method": "charge_automatically",
      "created": {{unix-3600}},
      "currency": "usd",
      "customer": "{{id:cus}}",
      "customer_email": "jenny.rosen@example.com",
      "lines": {
        "object": "list",
        "data": [
          {
            "id": "{{id:il}}",
            "object": "line_item",
            "amount": 4900,
            "currency": "usd",
            "description": "1 x Pro, $49.00 a month",
            "period": {
              "end": {{unix+2592000}},
              "start": {{unix}}
            },
            "quantity": 1
          }
        ],
        "has_more": false,
        "total_count": 1,
        "url": "/v1/invoices/{{id:in#in}}/lines"
      },
      "livemode": false,
      "number": "{{rand:upper:8}}-0002",
      "paid": true,
      "period_end": {{unix}},
      "period_start": {{unix-2592000}},
      "status": "paid",
      "subscription": "{{id:sub}}",
      "subtotal": 4900,
      "total": 4900
    })",
      {}, From::automatic);
  add("charge.refunded", "A $20.00 card charge was refunded in full", R"({
      "id": "{{id:ch}}",
      "object": "charge",
      "amount": 2000,
      "amount_captured": 2000,
      "amount_refunded": 2000,
      "balance_transaction": "{{id:txn}}",
      "captured": true,
      "created": {{unix-86400}},
      "currency": "usd",
      "customer": "{{id:cus}}",
      "description": "Order #1001",
      "livemode": false,
      "metadata": {},
      "paid": true,
      "payment_intent": "{{id:pi}}",
      "payment_method": "{{id:pm}}",
      "payment_method_details": {
        "card": {
          "brand": "visa",
          "country": "US",
          "exp_month": 12,
          "exp_year": 2034,
          "funding": "credit",
          "last4": "4242"
        },
        "type": "card"
      },
      "refunded": true,
      "status": "succeeded"
    })",
      R"({
      "amount_refunded": 0,
      "refunded": false
    })",
      From::api);
}

// ---------------------------------------------------------------------------------------------
// Shopify: shopify.dev webhook topics; headers X-Shopify-Topic, -Shop-Domain, -API-Version,
// -Webhook-Id, -Event-Id, -Triggered-At. Resource ids are JSON integers.

HeaderList shopify_headers(std::string_view topic) {
  return {{"User-Agent", "Shopify-Captain-Hook"},
          {"X-Shopify-Topic", std::string(topic)},
          {"X-Shopify-Shop-Domain", "hookctl-demo.myshopify.com"},
          {"X-Shopify-API-Version", "2024-07"},
          {"X-Shopify-Webhook-Id", "{{uuid}}"},
          {"X-Shopify-Event-Id", "{{uuid}}"},
          {"X-Shopify-Triggered-At", "{{iso_ns}}"}};
}

std::string shopify_order(std::string_view financial_status) {
  return R"({
  "id": {{num:13#order}}, "admin_graphql_api_id": "gid://shopify/Order/{{num:13#order}}",
  "app_id": {{num:6}}, "confirmation_number": "{{rand:upper:9}}", "contact_email": "jon@example.com",
  "created_at": "{{iso-60}}", "currency": "USD", "current_subtotal_price": "199.00",
  "current_total_discounts": "0.00", "current_total_price": "209.00", "current_total_tax": "0.00",
  "email": "jon@example.com", "financial_status": ")" +
         std::string(financial_status) + R"(", "fulfillment_status": null,
  "name": "#{{num:4#number}}", "order_number": {{num:4#number}}, "note": null, "presentment_currency": "USD",
  "processed_at": "{{iso-60}}", "source_name": "web", "subtotal_price": "199.00", "tags": "", "test": false,
  "total_discounts": "0.00", "total_price": "209.00", "total_tax": "0.00", "updated_at": "{{iso}}",
  "customer": {"id": {{num:13#customer}}, "email": "jon@example.com", "first_name": "Jon", "last_name": "Doe",
               "state": "enabled", "verified_email": true, "currency": "USD"},
  "billing_address": {"first_name": "Jon", "last_name": "Doe", "address1": "123 Main Street", "city": "Ottawa",
                      "province": "Ontario", "country": "Canada", "zip": "K2P 1L4", "country_code": "CA",
                      "province_code": "ON"},
  "shipping_address": {"first_name": "Jon", "last_name": "Doe", "address1": "123 Main Street", "city": "Ottawa",
                       "province": "Ontario", "country": "Canada", "zip": "K2P 1L4", "country_code": "CA",
                       "province_code": "ON"},
  "line_items": [{"id": {{num:14}}, "admin_graphql_api_id": "gid://shopify/LineItem/{{num:14}}",
                  "product_id": {{num:13}}, "variant_id": {{num:14}}, "title": "Webhook Hoodie",
                  "variant_title": "M", "name": "Webhook Hoodie - M", "sku": "HOOD-M", "vendor": "hookctl",
                  "quantity": 1, "price": "199.00", "requires_shipping": true, "taxable": true,
                  "fulfillment_status": null}],
  "shipping_lines": [{"id": {{num:13}}, "title": "Standard", "code": "Standard", "price": "10.00", "source": "shopify"}]
})";
}

void add_shopify(std::vector<Template>& out) {
  auto add = [&](std::string topic, std::string summary, std::string body) {
    out.push_back({.name = "shopify." + topic,
                   .provider = "shopify",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .headers = shopify_headers(topic),
                   .body = std::move(body),
                   .delivery_id_header = "X-Shopify-Webhook-Id"});
  };
  add("orders/create", "An order was placed", shopify_order("pending"));
  add("orders/paid", "An order's payment was captured", shopify_order("paid"));
  add("products/update", "A product was updated", R"({
  "id": {{num:13#product}}, "admin_graphql_api_id": "gid://shopify/Product/{{num:13#product}}",
  "title": "Webhook Hoodie", "body_html": "<p>Warm, and delivered at least once.</p>", "vendor": "hookctl",
  "product_type": "Apparel", "handle": "webhook-hoodie", "status": "active", "tags": "cotton, hoodie",
  "created_at": "{{iso-2592000}}", "updated_at": "{{iso}}", "published_at": "{{iso-2592000}}",
  "published_scope": "global",
  "variants": [{"id": {{num:14}}, "admin_graphql_api_id": "gid://shopify/ProductVariant/{{num:14}}",
                "product_id": {{num:13#product}}, "title": "M", "price": "199.00", "sku": "HOOD-M", "position": 1,
                "inventory_policy": "deny", "inventory_quantity": 42, "option1": "M",
                "created_at": "{{iso-2592000}}", "updated_at": "{{iso}}"}],
  "options": [{"id": {{num:13}}, "product_id": {{num:13#product}}, "name": "Size", "position": 1,
               "values": ["S", "M", "L"]}],
  "images": [], "image": null
})");
  add("customers/create", "A customer account was created", R"({
  "id": {{num:13#customer}}, "admin_graphql_api_id": "gid://shopify/Customer/{{num:13#customer}}",
  "email": "jane@example.com", "first_name": "Jane", "last_name": "Smith", "phone": null,
  "created_at": "{{iso}}", "updated_at": "{{iso}}", "orders_count": 0, "total_spent": "0.00",
  "state": "disabled", "note": null, "verified_email": true, "tax_exempt": false, "tags": "", "currency": "USD",
  "addresses": [], "default_address": null,
  "email_marketing_consent": {"state": "not_subscribed", "opt_in_level": "single_opt_in", "consent_updated_at": null}
})");
  add("app/uninstalled", "The app was uninstalled from a shop", R"({
  "id": {{num:11}}, "name": "hookctl demo", "email": "owner@example.com", "domain": "hookctl-demo.myshopify.com",
  "myshopify_domain": "hookctl-demo.myshopify.com", "shop_owner": "Jane Smith", "country_code": "CA",
  "currency": "CAD", "iana_timezone": "America/Toronto", "plan_name": "basic", "plan_display_name": "Basic",
  "created_at": "{{iso-31536000}}", "updated_at": "{{iso}}"
})");
}

// ---------------------------------------------------------------------------------------------
// Slack: docs.slack.dev Events API (url_verification, event_callback, app_rate_limited) and
// slash commands (a form body).

void add_slack(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string summary, std::string_view content_type, std::string body) {
    out.push_back({.name = "slack." + type,
                   .provider = "slack",
                   .summary = std::move(summary),
                   .content_type = std::string(content_type),
                   .headers = {{"User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)"}},
                   .body = std::move(body)});
  };
  add("url_verification", "Events API handshake: answer with the challenge", k_json, R"({
  "token": "{{rand:alnum:24}}", "challenge": "{{rand:alnum:48}}", "type": "url_verification"
})");
  const std::string envelope_head = R"({
  "token": "{{rand:alnum:24}}", "team_id": "T{{rand:upper:10#team}}", "api_app_id": "A{{rand:upper:10}}",
  "event": )";
  const std::string envelope_tail = R"(,
  "type": "event_callback", "event_id": "Ev{{rand:upper:10}}", "event_time": {{unix}},
  "authorizations": [{"enterprise_id": null, "team_id": "T{{rand:upper:10#team}}", "user_id": "U{{rand:upper:10#bot}}",
                      "is_bot": true, "is_enterprise_install": false}],
  "is_ext_shared_channel": false, "event_context": "4-{{rand:alnum:40}}"
})";
  add("event_callback", "Events API: the app was mentioned (app_mention)", k_json, envelope_head + R"({
    "type": "app_mention", "user": "U{{rand:upper:10}}", "text": "<@U{{rand:upper:10#bot}}> deploy to staging",
    "ts": "{{unix}}.{{rand:digits:6#ts}}", "channel": "C{{rand:upper:10}}", "event_ts": "{{unix}}.{{rand:digits:6#ts}}"
  })" + envelope_tail);
  add("reaction_added", "Events API: a reaction was added to a message", k_json, envelope_head + R"({
    "type": "reaction_added", "user": "U{{rand:upper:10}}", "reaction": "tada", "item_user": "U{{rand:upper:10}}",
    "item": {"type": "message", "channel": "C{{rand:upper:10}}", "ts": "{{unix-120}}.{{rand:digits:6}}"},
    "event_ts": "{{unix}}.{{rand:digits:6}}"
  })" + envelope_tail);
  add("app_rate_limited", "Events API: the app exceeded 30,000 events an hour", k_json, R"({
  "token": "{{rand:alnum:24}}", "type": "app_rate_limited", "team_id": "T{{rand:upper:10}}",
  "minute_rate_limited": {{unix}}, "api_app_id": "A{{rand:upper:10}}"
})");
  add("slash_command", "The /deploy slash command (form body)", k_form,
      "token={{rand:alnum:24}}&team_id=T{{rand:upper:10#team}}&team_domain=example&channel_id=C{{rand:upper:10}}"
      "&channel_name=deploys&user_id=U{{rand:upper:10}}&user_name=jane&command=%2Fdeploy&text=staging"
      "&api_app_id=A{{rand:upper:10}}&is_enterprise_install=false"
      "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT{{rand:upper:10#team}}%2F{{num:13}}%2F"
      "{{rand:alnum:24}}&trigger_id={{num:13}}.{{num:12}}.{{rand:hex:32}}");
}

// ---------------------------------------------------------------------------------------------
// Standard Webhooks (standardwebhooks.com spec: {"type", "timestamp", "data"}) and Svix's own
// operational webhooks. No context headers: webhook-id/-timestamp/-signature come from signing.

void add_standard(std::vector<Template>& out) {
  auto add = [&](std::string provider, std::string type, std::string summary, std::string data) {
    out.push_back({.name = provider + "." + type,
                   .provider = provider,
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .body = R"({"type": ")" + type + R"(", "timestamp": "{{iso_us}}", "data": )" + data + "}"});
  };
  add("standard", "contact.created", "The spec's example: a contact was created",
      R"({"id": "{{uuid}}", "type": "contact"})");
  add("standard", "user.created", "A user signed up",
      R"({"id": "user_{{rand:alnum:24}}", "email": "jane@example.com", "name": "Jane Smith",
          "created_at": "{{iso}}"})");
  add("standard", "user.deleted", "A user account was deleted",
      R"({"id": "user_{{rand:alnum:24}}", "deleted": true, "deleted_at": "{{iso}}"})");
  add("standard", "invoice.paid", "A $49.00 invoice was paid",
      R"({"id": "inv_{{rand:alnum:24}}", "customer_id": "cus_{{rand:alnum:24}}", "amount_paid": 4900,
          "currency": "usd", "status": "paid", "paid_at": "{{iso}}"})");
  add("standard", "subscription.canceled", "A subscription was canceled at period end",
      R"({"id": "sub_{{rand:alnum:24}}", "customer_id": "cus_{{rand:alnum:24}}", "plan": "pro",
          "status": "canceled", "cancel_reason": "requested_by_customer", "canceled_at": "{{iso}}",
          "ends_at": "{{iso+2592000}}"})");
  add("svix", "message.attempt.exhausted", "Svix operational webhook: retries to an endpoint ran out",
      R"({"appId": "app_{{rand:alnum:27}}", "appUid": null, "msgId": "msg_{{rand:alnum:27}}", "msgEventId": null,
          "endpointId": "ep_{{rand:alnum:27}}",
          "lastAttempt": {"id": "atmpt_{{rand:alnum:27}}", "timestamp": "{{iso_us}}", "responseStatusCode": 500}})");
  add("svix", "endpoint.created", "Svix operational webhook: an endpoint was created",
      R"({"appId": "app_{{rand:alnum:27}}", "appUid": null, "endpointId": "ep_{{rand:alnum:27}}", "endpointUid": null})");
}

// ---------------------------------------------------------------------------------------------
// Twilio: twilio.com/docs/messaging/guides/webhook-request and the Voice request parameters; form
// bodies. Phone numbers are Twilio's magic test number and fictional 555-01xx numbers.

void add_twilio(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string summary, std::string body) {
    out.push_back({.name = "twilio." + type,
                   .provider = "twilio",
                   .summary = std::move(summary),
                   .content_type = std::string(k_form),
                   .headers = {{"User-Agent", "TwilioProxy/1.1"},
                               {"I-Twilio-Idempotency-Token", "{{uuid}}"},
                               {"X-Home-Region", "us1"}},
                   .body = std::move(body)});
  };
  add("sms", "An incoming SMS message",
      "ToCountry=US&ToState=CA&SmsMessageSid=SM{{rand:hex:32#sid}}&NumMedia=0&ToCity=SAN+FRANCISCO&FromZip=94105"
      "&SmsSid=SM{{rand:hex:32#sid}}&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO"
      "&Body=Hello+from+hookctl%21&FromCountry=US&To=%2B15005550006&MessagingServiceSid=MG{{rand:hex:32}}"
      "&ToZip=94105&NumSegments=1&MessageSid=SM{{rand:hex:32#sid}}&AccountSid=AC{{rand:hex:32#account}}"
      "&From=%2B14155550100&ApiVersion=2010-04-01");
  add("sms_status", "A status callback: an outgoing SMS was delivered",
      "SmsSid=SM{{rand:hex:32#sid}}&SmsStatus=delivered&MessageStatus=delivered&To=%2B14155550100"
      "&MessageSid=SM{{rand:hex:32#sid}}&AccountSid=AC{{rand:hex:32}}&From=%2B15005550006&ApiVersion=2010-04-01");
  add("voice", "An incoming voice call",
      "AccountSid=AC{{rand:hex:32#account}}&ApiVersion=2010-04-01&CallSid=CA{{rand:hex:32}}&CallStatus=ringing"
      "&CallToken=&Called=%2B15005550006&CalledCity=SAN+FRANCISCO&CalledCountry=US&CalledState=CA"
      "&Caller=%2B14155550100&CallerCountry=US&CallerState=CA&Direction=inbound&From=%2B14155550100"
      "&FromCountry=US&FromState=CA&To=%2B15005550006&ToCountry=US&ToState=CA");
}

// ---------------------------------------------------------------------------------------------
// Discord interactions: discord.com/developers/docs/interactions/receiving-and-responding
// (type 1 PING, 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT); ids are snowflakes in strings.

void add_discord(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string summary, std::string body) {
    out.push_back({.name = "discord." + type,
                   .provider = "discord",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .headers = {{"User-Agent", "Discord-Interactions/1.0 (+https://discord.com)"}},
                   .body = std::move(body)});
  };
  const std::string member = R"("member": {"user": {"id": "{{snowflake#user}}", "username": "jane",
    "global_name": "Jane", "discriminator": "0", "avatar": null}, "roles": [], "permissions": "2248473465835073",
    "nick": null, "joined_at": "{{iso_us-31536000}}", "deaf": false, "mute": false})";
  add("ping", "Interaction type 1 (PING): answer {\"type\":1}", R"({
  "application_id": "{{snowflake#app}}", "entitlements": [], "id": "{{snowflake}}",
  "token": "{{rand:alnum:160}}", "type": 1, "version": 1,
  "user": {"id": "{{snowflake#user}}", "username": "discord", "global_name": "Discord", "discriminator": "0", "avatar": null}
})");
  add("application_command", "Interaction type 2: the /deploy slash command", R"({
  "app_permissions": "562949953601536", "application_id": "{{snowflake#app}}", "channel_id": "{{snowflake#channel}}",
  "data": {"id": "{{snowflake}}", "name": "deploy", "type": 1,
           "options": [{"name": "environment", "type": 3, "value": "staging"}]},
  "entitlements": [], "guild_id": "{{snowflake#guild}}", "guild_locale": "en-US", "id": "{{snowflake}}",
  "locale": "en-US", )" + member + R"(,
  "token": "{{rand:alnum:160}}", "type": 2, "version": 1
})");
  add("message_component", "Interaction type 3: a button was clicked", R"({
  "app_permissions": "562949953601536", "application_id": "{{snowflake#app}}", "channel_id": "{{snowflake#channel}}",
  "data": {"component_type": 2, "custom_id": "approve_deploy"}, "entitlements": [],
  "guild_id": "{{snowflake#guild}}", "guild_locale": "en-US", "id": "{{snowflake}}", "locale": "en-US",
  )" + member + R"(,
  "message": {"id": "{{snowflake}}", "channel_id": "{{snowflake#channel}}", "content": "Deploy to staging?",
              "author": {"id": "{{snowflake#app}}", "username": "deploy-bot", "bot": true},
              "timestamp": "{{iso_us-60}}", "type": 0},
  "token": "{{rand:alnum:160}}", "type": 3, "version": 1
})");
}

// ---------------------------------------------------------------------------------------------
// GitLab: docs.gitlab.com "Webhook events"; X-Gitlab-Event names the hook, X-Gitlab-Token (the
// secret itself) comes from signing.

void add_gitlab(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string hook, std::string summary, std::string body) {
    out.push_back({.name = "gitlab." + type,
                   .provider = "gitlab",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .headers = {{"User-Agent", "GitLab/17.2.0"},
                               {"X-Gitlab-Event", std::move(hook)},
                               {"X-Gitlab-Webhook-UUID", "{{uuid}}"},
                               {"X-Gitlab-Instance", "https://gitlab.example.com"},
                               {"X-Gitlab-Event-UUID", "{{uuid#event}}"},
                               {"Idempotency-Key", "{{uuid#event}}"}},
                   .body = std::move(body)});
  };
  const std::string project = R"("project": {"id": 15, "name": "hello-world", "description": "A sample project",
    "web_url": "https://gitlab.example.com/acme/hello-world", "namespace": "acme",
    "path_with_namespace": "acme/hello-world", "default_branch": "main", "visibility_level": 20,
    "git_http_url": "https://gitlab.example.com/acme/hello-world.git"})";
  add("push", "Push Hook", "Commits pushed to main", R"({
  "object_kind": "push", "event_name": "push", "before": "{{rand:hex:40}}", "after": "{{rand:hex:40#after}}",
  "ref": "refs/heads/main", "ref_protected": true, "checkout_sha": "{{rand:hex:40#after}}",
  "user_id": 4, "user_name": "Jane Smith", "user_username": "jsmith", "user_email": "", "project_id": 15,
  )" + project + R"(,
  "commits": [{"id": "{{rand:hex:40#after}}", "message": "Fix typo in README\n", "title": "Fix typo in README",
               "timestamp": "{{iso-30}}", "url": "https://gitlab.example.com/acme/hello-world/-/commit/{{rand:hex:40#after}}",
               "author": {"name": "Jane Smith", "email": "jane@example.com"},
               "added": [], "modified": ["README.md"], "removed": []}],
  "total_commits_count": 1
})");
  add("merge_request", "Merge Request Hook", "Merge request opened", R"({
  "object_kind": "merge_request", "event_type": "merge_request",
  "user": {"id": 4, "name": "Jane Smith", "username": "jsmith", "email": "[REDACTED]"},
  )" + project + R"(,
  "object_attributes": {"id": {{num:5}}, "iid": {{num:2#iid}}, "title": "Retry failed deliveries",
    "description": "Retries failed deliveries with exponential backoff.", "state": "opened", "action": "open",
    "source_branch": "retries", "target_branch": "main", "source_project_id": 15, "target_project_id": 15,
    "author_id": 4, "merge_status": "checking", "draft": false, "created_at": "{{iso}}", "updated_at": "{{iso}}",
    "url": "https://gitlab.example.com/acme/hello-world/-/merge_requests/{{num:2#iid}}",
    "last_commit": {"id": "{{rand:hex:40}}", "message": "Retry failed deliveries\n", "timestamp": "{{iso-60}}"}},
  "labels": [], "changes": {}
})");
}

// ---------------------------------------------------------------------------------------------
// Twitch EventSub: dev.twitch.tv/docs/eventsub/handling-webhook-events. The message id and
// timestamp headers are signature inputs, so signing adds them.

void add_twitch(std::vector<Template>& out) {
  auto add = [&](std::string name, std::string message_type, std::string type, std::string version, std::string summary,
                 std::string body) {
    out.push_back({.name = "twitch." + name,
                   .provider = "twitch",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .headers = {{"Twitch-Eventsub-Message-Type", std::move(message_type)},
                               {"Twitch-Eventsub-Message-Retry", "0"},
                               {"Twitch-Eventsub-Subscription-Type", type},
                               {"Twitch-Eventsub-Subscription-Version", version}},
                   .body = std::move(body)});
  };
  auto subscription = [](std::string_view type, std::string_view version, std::string_view status,
                         std::string_view condition) {
    return R"("subscription": {"id": "{{uuid#subscription}}", "status": ")" + std::string(status) + R"(", "type": ")" +
           std::string(type) + R"(", "version": ")" + std::string(version) + R"(", "cost": 0, "condition": )" +
           std::string(condition) +
           R"(, "transport": {"method": "webhook", "callback": "https://example.com/webhooks/twitch"},
    "created_at": "{{iso_ns-86400}}"})";
  };
  add("stream.online", "notification", "stream.online", "1", "A broadcaster went live",
      std::string("{")
          .append(subscription("stream.online", "1", "enabled", R"({"broadcaster_user_id": "{{num:8#broadcaster}}"})"))
          .append(R"(,
  "event": {"id": "{{num:11}}", "broadcaster_user_id": "{{num:8#broadcaster}}", "broadcaster_user_login": "cool_user",
            "broadcaster_user_name": "Cool_User", "type": "live", "started_at": "{{iso_ns-5}}"}
})"));
  add("channel.follow", "notification", "channel.follow", "2", "A user followed a channel",
      std::string("{")
          .append(subscription(
              "channel.follow", "2", "enabled",
              R"({"broadcaster_user_id": "{{num:8#broadcaster}}", "moderator_user_id": "{{num:8#broadcaster}}"})"))
          .append(R"(,
  "event": {"user_id": "{{num:8}}", "user_login": "jane_smith", "user_name": "Jane_Smith",
            "broadcaster_user_id": "{{num:8#broadcaster}}", "broadcaster_user_login": "cool_user",
            "broadcaster_user_name": "Cool_User", "followed_at": "{{iso_ns}}"}
})"));
  add("webhook_callback_verification", "webhook_callback_verification", "stream.online", "1",
      "Subscription handshake: answer with the challenge as text/plain",
      R"({"challenge": "{{rand:alnum:43}}", )" +
          subscription("stream.online", "1", "webhook_callback_verification_pending",
                       R"({"broadcaster_user_id": "{{num:8}}"})") +
          "}");
}

// ---------------------------------------------------------------------------------------------
// Square: developer.squareup.com webhooks reference ({"merchant_id", "type", "event_id",
// "created_at", "data": {"type", "id", "object"}}). The signature covers the notification URL.

void add_square(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string summary, std::string body) {
    out.push_back({.name = "square." + type,
                   .provider = "square",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .headers = {{"Square-Version", "2024-07-17"},
                               {"Square-Environment", "Sandbox"},
                               {"Square-Initial-Delivery-Timestamp", "{{iso_ms}}"}},
                   .body = std::move(body)});
  };
  auto payment = [](std::string_view status) {
    return R"({"payment": {"id": "{{rand:alnum:29#payment}}", "created_at": "{{iso_ms-2}}", "updated_at": "{{iso_ms}}",
    "amount_money": {"amount": 2000, "currency": "USD"}, "total_money": {"amount": 2000, "currency": "USD"},
    "approved_money": {"amount": 2000, "currency": "USD"}, "status": ")" +
           std::string(status) + R"(", "source_type": "CARD",
    "card_details": {"status": "CAPTURED", "card": {"card_brand": "VISA", "last_4": "1111", "exp_month": 12,
                     "exp_year": 2034}, "entry_method": "KEYED"},
    "location_id": "L{{rand:upper:12#location}}", "order_id": "{{rand:alnum:29}}", "version": 1}})";
  };
  auto event = [](std::string_view type, const std::string& object) {
    return R"({
  "merchant_id": "ML{{rand:upper:11}}", "type": ")" +
           std::string(type) + R"(", "event_id": "{{uuid}}", "created_at": "{{iso_ms}}",
  "data": {"type": "payment", "id": "{{rand:alnum:29#payment}}", "object": )" +
           object + "}\n}";
  };
  add("payment.created", "A $20.00 card payment was created", event("payment.created", payment("APPROVED")));
  add("payment.updated", "A card payment was completed", event("payment.updated", payment("COMPLETED")));
}

// ---------------------------------------------------------------------------------------------
// Paddle Billing: developer.paddle.com webhooks ({"event_id", "event_type", "occurred_at",
// "notification_id", "data"}); ids are a prefix and 26 lowercase base32 characters.

void add_paddle(std::vector<Template>& out) {
  auto add = [&](std::string type, std::string summary, std::string data) {
    out.push_back({.name = "paddle." + type,
                   .provider = "paddle",
                   .summary = std::move(summary),
                   .content_type = std::string(k_json),
                   .body = R"({"event_id": "evt_{{rand:lower:26}}", "event_type": ")" + type +
                           R"(", "occurred_at": "{{iso_us}}", "notification_id": "ntf_{{rand:lower:26}}", "data": )" +
                           data + "}"});
  };
  add("transaction.completed", "A $10.00 checkout transaction was completed", R"({
  "id": "txn_{{rand:lower:26}}", "status": "completed", "customer_id": "ctm_{{rand:lower:26#customer}}",
  "address_id": "add_{{rand:lower:26}}", "business_id": null, "custom_data": null, "currency_code": "USD",
  "origin": "web", "subscription_id": "sub_{{rand:lower:26#subscription}}", "invoice_number": "325-{{num:5}}",
  "collection_mode": "automatic", "billing_period": {"starts_at": "{{iso_us}}", "ends_at": "{{iso_us+2592000}}"},
  "items": [{"price": {"id": "pri_{{rand:lower:26#price}}", "product_id": "pro_{{rand:lower:26#product}}",
             "description": "Monthly", "unit_price": {"amount": "1000", "currency_code": "USD"}}, "quantity": 1}],
  "details": {"totals": {"subtotal": "1000", "tax": "0", "discount": "0", "total": "1000", "currency_code": "USD"}},
  "created_at": "{{iso_us-30}}", "updated_at": "{{iso_us}}", "billed_at": "{{iso_us-5}}"
})");
  add("subscription.created", "A monthly subscription was created", R"({
  "id": "sub_{{rand:lower:26#subscription}}", "status": "active", "customer_id": "ctm_{{rand:lower:26#customer}}",
  "address_id": "add_{{rand:lower:26}}", "business_id": null, "currency_code": "USD", "collection_mode": "automatic",
  "custom_data": null, "started_at": "{{iso_us}}", "first_billed_at": "{{iso_us}}",
  "next_billed_at": "{{iso_us+2592000}}", "billing_cycle": {"interval": "month", "frequency": 1},
  "current_billing_period": {"starts_at": "{{iso_us}}", "ends_at": "{{iso_us+2592000}}"},
  "items": [{"status": "active", "quantity": 1, "recurring": true,
             "price": {"id": "pri_{{rand:lower:26#price}}", "product_id": "pro_{{rand:lower:26#product}}",
                       "unit_price": {"amount": "1000", "currency_code": "USD"}}}],
  "created_at": "{{iso_us}}", "updated_at": "{{iso_us}}", "transaction_id": "txn_{{rand:lower:26}}"
})");
}

} // namespace

const std::vector<Template>& templates() {
  static const std::vector<Template> table = [] {
    std::vector<Template> out;
    add_github(out);
    add_stripe(out);
    add_shopify(out);
    add_slack(out);
    add_standard(out);
    add_twilio(out);
    add_discord(out);
    add_gitlab(out);
    add_twitch(out);
    add_square(out);
    add_paddle(out);
    return out;
  }();
  return table;
}

} // namespace hookctl::catalog::detail
