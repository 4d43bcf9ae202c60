#include "hookctl/catalog/catalog.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hookctl/catalog/detail.hpp"
#include "hookctl/catalog/placeholders.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::catalog {
namespace {

const detail::Template* find_template(std::string_view name) {
  for (const auto& t : detail::templates())
    if (t.name == name) return &t;
  return nullptr;
}

// Shopify topics contain a slash (`orders/create`); `shopify.orders.create` names the same event.
std::string canonical_name(std::string_view name) {
  std::string out(name);
  constexpr std::string_view k_shopify = "shopify.";
  if (out.starts_with(k_shopify) && out.find('/') == std::string::npos)
    if (size_t dot = out.find('.', k_shopify.size()); dot != std::string::npos) out[dot] = '/';
  return out;
}

std::string quoted_list(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += fmt::format("'{}'", names[i]);
  }
  return out;
}

// "unknown event 'x'" and the closest names, on one line.
std::string unknown_message(std::string_view name) {
  bool showable = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (!showable) return "unknown event (not shown); run 'hookctl catalog' for the list";
  std::string lower = util::to_lower(name);
  std::vector<std::string_view> of_provider;
  for (const auto& e : events())
    if (e.provider == lower) of_provider.push_back(e.name);
  if (!of_provider.empty())
    return fmt::format("unknown event '{}'; {} has {}", name, lower, fmt::join(of_provider, ", "));
  std::vector<std::pair<size_t, std::string_view>> close;
  const size_t limit = std::max<size_t>(2, lower.size() / 4);
  for (const auto& e : events()) {
    size_t d = util::edit_distance(lower, e.name);
    // A name without its provider (`push`) or with a different separator (`stripe.invoice_paid`).
    if (e.name.ends_with("." + lower)) d = 0;
    if (d <= limit) close.emplace_back(d, e.name);
  }
  std::sort(close.begin(), close.end());
  if (close.empty()) return fmt::format("unknown event '{}'; run 'hookctl catalog' for the list", name);
  std::vector<std::string_view> best;
  for (size_t i = 0; i < close.size() && i < 3; ++i) best.push_back(close[i].second);
  return fmt::format("unknown event '{}'; did you mean {}?", name, quoted_list(best));
}

} // namespace

const std::vector<EventInfo>& events() {
  static const std::vector<EventInfo> list = [] {
    std::vector<EventInfo> out;
    for (const auto& t : detail::templates()) out.push_back({t.name, t.provider, t.summary, t.content_type});
    std::sort(out.begin(), out.end(), [](const EventInfo& a, const EventInfo& b) { return a.name < b.name; });
    return out;
  }();
  return list;
}

const EventInfo* find_event(std::string_view name) {
  std::string canonical = canonical_name(name);
  for (const auto& e : events())
    if (e.name == canonical) return &e;
  return nullptr;
}

Result<Event> instantiate(std::string_view name, const Fresh& fresh) {
  const detail::Template* t = find_template(canonical_name(name));
  if (!t) return make_error(Errc::usage, unknown_message(name));
  Filler filler(fresh);
  Event ev;
  ev.name = t->name;
  ev.provider = t->provider;
  ev.content_type = t->content_type;
  // A placeholder error in a built-in template is a bug, caught by the unit tests.
  auto internal = [&](const Error& e) { return make_error(Errc::internal, fmt::format("{}: {}", t->name, e.message)); };
  for (const auto& [header, value] : t->headers) {
    auto filled = filler.fill(value);
    if (!filled) return internal(filled.error());
    ev.headers.add(header, std::move(filled).value());
  }
  auto body = filler.fill(t->layout == detail::Layout::compact ? detail::minify(t->body) : t->body);
  if (!body) return internal(body.error());
  ev.body = std::move(body).value();
  if (!t->delivery_id_header.empty())
    if (auto id = ev.headers.get(t->delivery_id_header)) ev.delivery_id = std::string(*id);
  return ev;
}

} // namespace hookctl::catalog
