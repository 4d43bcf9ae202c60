#include "hookctl/replay/runner.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hookctl/catalog/catalog.hpp"
#include "hookctl/delivery/load.hpp"
#include "hookctl/http/wire.hpp"
#include "hookctl/replay/select.hpp"
#include "hookctl/sign/ids.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::replay {

namespace {

// build_request with the body given apart (`record.body` is not read), so a caller that no longer
// needs the record's body can move it in.
Result<http::Request> build_with_body(const capture::Record& record, std::string body, const RequestPlan& plan,
                                      int64_t now, const std::function<std::string(size_t)>& random) {
  http::Request req;
  req.add_user_agent = false; // the receiver sees what the original sender sent
  req.method = record.method;
  if (plan.exact) {
    req.url = plan.to;
  } else {
    std::string_view base = plan.to;
    const size_t q = base.find('?');
    const std::string_view base_query = q == std::string_view::npos ? "" : base.substr(q + 1);
    base = base.substr(0, q);
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    std::string& url = req.url;
    url.reserve(base.size() + record.path.size() + record.query.size() + base_query.size() + 3);
    url.append(base);
    if (record.path.empty() || record.path.front() != '/') url += '/';
    url.append(record.path);
    if (!record.query.empty() || !base_query.empty()) url += '?';
    url.append(record.query);
    if (!record.query.empty() && !base_query.empty()) url += '&';
    url.append(base_query);
  }
  req.headers = http::end_to_end(record.headers);
  req.body = std::move(body);
  if (!plan.sets.empty()) {
    const std::string type(req.headers.get("Content-Type").value_or("application/json"));
    HOOKCTL_TRY_ASSIGN(req.body, catalog::apply_sets(req.body, type, plan.sets));
  }
  if (plan.resign) {
    const Resign& r = *plan.resign;
    HOOKCTL_TRY_ASSIGN(auto scheme, sign::make_scheme(r.provider, r.scheme_options));
    if (const sign::ProviderInfo* info = sign::find_provider(r.provider)) {
      for (auto h : info->headers) req.headers.remove(h);
    }
    sign::SignRequest s;
    s.body = req.body;
    s.headers = req.headers;
    s.url = req.url;
    s.method = req.method;
    s.id = r.new_ids || record.delivery_id.empty() ? sign::delivery_id(r.provider, random(16)) : record.delivery_id;
    s.timestamp = now;
    s.keys = r.keys;
    HOOKCTL_TRY_ASSIGN(sign::Signed signed_, scheme->sign(s));
    for (const auto& [name, value] : signed_.headers.fields()) req.headers.set(name, value);
    if (!signed_.url.empty()) req.url = signed_.url;
  }
  return req;
}

} // namespace

Result<http::Request> build_request(const capture::Record& record, const RequestPlan& plan, int64_t now,
                                    const std::function<std::string(size_t)>& random) {
  return build_with_body(record, record.body, plan, now, random);
}

std::optional<int64_t> signed_at(std::string_view provider, const util::Headers& headers) {
  auto header = [&](std::string_view name) { return headers.get(name); };
  auto number = [](std::string_view text) -> std::optional<int64_t> {
    long long v = 0;
    if (!util::parse_int64(util::trim(text), v)) return std::nullopt;
    return v;
  };
  // A `key=value` element of a comma- or semicolon-separated header (Stripe's t=, Paddle's ts=).
  auto element = [&](std::string_view name, std::string_view key, char sep) -> std::optional<int64_t> {
    auto h = header(name);
    if (!h) return std::nullopt;
    for (auto part : util::split(*h, sep)) {
      part = util::trim(part);
      if (part.size() > key.size() && part.starts_with(key) && part[key.size()] == '=')
        return number(part.substr(key.size() + 1));
    }
    return std::nullopt;
  };
  auto plain = [&](std::string_view name) -> std::optional<int64_t> {
    auto h = header(name);
    return h ? number(*h) : std::nullopt;
  };
  if (provider == "stripe") return element("Stripe-Signature", "t", ',');
  if (provider == "paddle") return element("Paddle-Signature", "ts", ';');
  if (provider == "standard") return plain("webhook-timestamp");
  if (provider == "svix") return plain("svix-timestamp");
  if (provider == "slack") return plain("X-Slack-Request-Timestamp");
  if (provider == "discord") return plain("X-Signature-Timestamp");
  if (provider == "twitch") {
    auto h = header("Twitch-Eventsub-Message-Timestamp");
    if (!h) return std::nullopt;
    auto at = util::parse_rfc3339(*h);
    return at ? std::optional<int64_t>(*at) : std::nullopt;
  }
  return std::nullopt;
}

bool stale(const capture::Record& record, int64_t now_us, std::string* provider) {
  const std::string name = record_provider(record);
  if (provider) *provider = name;
  const sign::ProviderInfo* info = sign::find_provider(name);
  if (!info || !info->tolerance_s) return false;
  // The signed timestamp when the headers carry one, else when the event was captured.
  std::optional<int64_t> at_us;
  if (auto ts = signed_at(name, record.headers)) {
    at_us = *ts * 1'000'000;
  } else if (auto at = parse_time_us(record.received_at)) {
    at_us = *at;
  }
  if (!at_us) return false;
  return now_us - *at_us > *info->tolerance_s * 1'000'000;
}

Runner::Runner(RunOptions options, RunDeps deps, std::function<void(EventResult&&)> on_result)
    : m_options(std::move(options)), m_deps(std::move(deps)), m_on_result(std::move(on_result)) {}

Runner::~Runner() {
  cancel();
  finish();
}

Result<void> Runner::start() {
  const RunOptions& o = m_options;
  if (o.concurrency < 1 || o.concurrency > delivery::k_max_concurrency)
    return make_error(Errc::usage, fmt::format("--concurrency takes 1 to {}", delivery::k_max_concurrency));
  if (o.rate && !(*o.rate > 0 && std::isfinite(*o.rate))) return make_error(Errc::usage, "--rate must be above 0");
  if (o.speed && !(*o.speed > 0 && std::isfinite(*o.speed))) return make_error(Errc::usage, "--speed must be above 0");
  if (o.rate && o.speed) return make_error(Errc::usage, "--rate and --preserve-timing do not go together");
  if (!m_deps.transport || !m_deps.now_us || !m_deps.random || !m_deps.steady_now || !m_deps.sleep_until)
    return make_error(Errc::internal, "replay: missing dependencies");
  m_start = m_deps.steady_now();
  try {
    if (m_deps.multiplexer && delivery::retry_limit(o.retry) == 0) {
      // Event loops, the connections shared out among them.
      unsigned loops = m_deps.loops != 0 ? m_deps.loops : std::max(1u, std::thread::hardware_concurrency());
      loops = std::min<unsigned>(loops, static_cast<unsigned>(o.concurrency));
      for (unsigned i = 0; i < loops; ++i) {
        const size_t slots = static_cast<size_t>(o.concurrency) / loops + (i < o.concurrency % loops ? 1 : 0);
        auto mux = m_deps.multiplexer(slots);
        if (!mux || mux->slots() != slots) {
          cancel();
          finish();
          return make_error(Errc::internal, "replay: the multiplexer factory failed");
        }
        m_workers.emplace_back([this, m = std::shared_ptr<http::Multiplexer>(std::move(mux))] {
          try {
            loop(*m);
          } catch (...) {
            cancel(); // a bug: stop the run rather than hang it
          }
        });
      }
    } else {
      for (int i = 0; i < o.concurrency; ++i) m_workers.emplace_back([this] { work(); });
    }
  } catch (const std::exception& e) {
    cancel();
    finish();
    return make_error(Errc::environment, fmt::format("cannot start a replay thread: {}", e.what()));
  }
  return {};
}

bool Runner::submit(capture::Record&& record) {
  std::unique_lock lock(m_mutex);
  // A full queue is refilled once it is half empty, not one record at a time: a reader woken for
  // every record taken would cost a thread switch per record.
  if (m_queue.size() >= queue_bound())
    m_not_full.wait(lock, [&] { return m_queue.size() <= queue_bound() / 2 || m_cancel.load(); });
  if (m_cancel.load()) return false;
  if (m_next == 0) {
    if (auto at = parse_time_us(record.received_at)) m_first_us = *at;
  }
  m_queue.push(m_next++, std::move(record));
  lock.unlock();
  m_not_empty.notify_one(); // one worker per record: waking them all would thrash the CPUs
  return true;
}

capture::Record Runner::recycled() {
  if (m_spare.empty()) {
    std::lock_guard lock(m_mutex);
    m_spare.swap(m_replayed);
  }
  if (m_spare.empty()) return {};
  capture::Record r = std::move(m_spare.back());
  m_spare.pop_back();
  return r;
}

void Runner::finish() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_not_empty.notify_all();
  for (auto& t : m_workers) {
    if (t.joinable()) t.join();
  }
  m_workers.clear();
}

void Runner::cancel() {
  {
    std::lock_guard lock(m_mutex); // no waiter can miss the flag between its check and its wait
    m_cancel.store(true);
  }
  m_not_empty.notify_all();
  m_not_full.notify_all();
}

std::chrono::steady_clock::time_point Runner::due(uint64_t index, const capture::Record& record) {
  const auto start = *m_start;
  if (m_options.rate) {
    return start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(index) / *m_options.rate));
  }
  if (m_options.speed && m_first_us) {
    auto at = parse_time_us(record.received_at);
    if (!at || *at <= *m_first_us) return start;
    const double seconds = static_cast<double>(*at - *m_first_us) / 1e6 / *m_options.speed;
    return start +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  }
  return start;
}

size_t Runner::queue_bound() const { return static_cast<size_t>(m_options.concurrency) * 4; }

std::optional<Runner::Item> Runner::take(std::chrono::milliseconds wait, bool& done) {
  Fifo one;
  std::vector<capture::Record> none;
  take_some(wait, 1, done, one, none);
  if (one.empty()) return std::nullopt;
  return std::move(one.front());
}

void Runner::Fifo::push(uint64_t index, capture::Record&& record) {
  if (m_count == m_slots.size()) { // full: a ring twice as big, the items in order from its start
    std::vector<Item> bigger(std::max<size_t>(16, m_slots.size() * 2));
    for (size_t i = 0; i < m_count; ++i) bigger[i] = std::move(m_slots[(m_head + i) % m_slots.size()]);
    m_slots = std::move(bigger);
    m_head = 0;
  }
  Item& slot = m_slots[(m_head + m_count) % m_slots.size()];
  slot.first = index;
  slot.second = std::move(record);
  ++m_count;
}

void Runner::Fifo::drop_front() {
  m_head = (m_head + 1) % m_slots.size();
  --m_count;
}

void Runner::take_some(std::chrono::milliseconds wait, size_t max, bool& done, Fifo& out,
                       std::vector<capture::Record>& replayed) {
  std::unique_lock lock(m_mutex);
  if (m_replayed.size() < queue_bound()) {
    for (auto& r : replayed) m_replayed.push_back(std::move(r));
  }
  replayed.clear();
  m_not_empty.wait_for(lock, wait, [&] { return !m_queue.empty() || m_closed || m_cancel.load(); });
  done = m_cancel.load() || (m_queue.empty() && m_closed);
  if (m_cancel.load()) return;
  const bool was_full = m_queue.size() > queue_bound() / 2;
  for (size_t n = 0; n < max && !m_queue.empty(); ++n) {
    Item& front = m_queue.front();
    out.push(front.first, std::move(front.second));
    m_queue.drop_front();
  }
  const bool refill = was_full && m_queue.size() <= queue_bound() / 2;
  lock.unlock();
  if (refill) m_not_full.notify_one();
}

EventResult Runner::prepare(Item&& item, bool keep_body) {
  EventResult result;
  result.index = item.first;
  result.record = std::move(item.second);
  result.sent_at_us = m_deps.now_us();
  try {
    std::string body = keep_body ? result.record.body : std::move(result.record.body);
    if (!keep_body) result.record.body.clear();
    auto built =
        build_with_body(result.record, std::move(body), m_options.plan, result.sent_at_us / 1'000'000, m_deps.random);
    if (built)
      result.request = std::move(*built);
    else
      result.build_error = built.error().message;
  } catch (const std::exception& e) {
    result.build_error = fmt::format("internal error: {}", e.what());
  }
  return result;
}

void Runner::complete(EventResult& result) {
  if (m_options.comparing) {
    int status = 0;
    std::string body, error = result.build_error;
    if (!result.delivery.attempts.empty()) {
      const http::Outcome& last = result.delivery.attempts.back().outcome;
      if (last.response) {
        status = last.response->status;
        body = last.response->body;
      } else {
        error = last.error;
      }
    }
    result.comparison = compare(result.record.response, status, body, error, m_options.compare);
  }
  std::lock_guard lock(m_result_mutex);
  m_on_result(std::move(result));
}

void Runner::loop(http::Multiplexer& mux) {
  struct Slot {
    EventResult result;
  };
  std::vector<Slot> slots(mux.slots());
  std::vector<size_t> idle;
  for (size_t i = slots.size(); i-- > 0;) idle.push_back(i);
  size_t in_flight = 0;
  bool done = false;
  std::optional<Item> pending;           // taken, but not due yet (--rate, --preserve-timing)
  Fifo batch;                            // taken together, under one lock
  std::vector<capture::Record> replayed; // done with, handed back to the reader to free
  std::chrono::steady_clock::time_point pending_due{};
  auto on_done = [&](size_t slot, http::Outcome& outcome) {
    EventResult& r = slots[slot].result;
    delivery::Attempt a;
    a.outcome = std::move(outcome);
    r.delivery.attempts.push_back(std::move(a));
    r.delivery.success =
        r.delivery.attempts.back().outcome.response && r.delivery.attempts.back().outcome.response->status / 100 == 2;
    r.delivery.ending = r.delivery.success ? delivery::Ending::success : delivery::Ending::stopped;
    complete(r);
    r.record.body = std::move(r.request.body); // allocated with the record, by the reader
    replayed.push_back(std::move(r.record));
    idle.push_back(slot);
    --in_flight;
  };
  for (;;) {
    while (!idle.empty() && !m_cancel.load()) {
      if (!pending) {
        if (done) break;
        // Block only when nothing is in flight: otherwise collect answers while the reader catches up.
        if (batch.empty()) {
          take_some(in_flight == 0 ? std::chrono::milliseconds(50) : std::chrono::milliseconds(0), idle.size(), done,
                    batch, replayed);
        }
        if (batch.empty()) break;
        pending = std::move(batch.front());
        batch.drop_front();
        done = done && batch.empty();
        pending_due = due(pending->first, pending->second);
      }
      if (pending_due > m_deps.steady_now()) break;
      EventResult r = prepare(std::move(*pending), false); // no retries here: the body moves into the request
      pending.reset();
      if (!r.build_error.empty()) {
        complete(r);
        continue;
      }
      const size_t slot = idle.back();
      idle.pop_back();
      slots[slot].result = std::move(r);
      ++in_flight;
      mux.start(slot, slots[slot].result.request);
    }
    if (in_flight == 0) {
      if (m_cancel.load() || (done && !pending && batch.empty())) return;
      if (pending) m_deps.sleep_until(std::min(pending_due, m_deps.steady_now() + std::chrono::milliseconds(100)));
      continue;
    }
    auto wait = std::chrono::nanoseconds(std::chrono::milliseconds(100));
    if (pending) {
      wait = std::clamp<std::chrono::nanoseconds>(pending_due - m_deps.steady_now(), std::chrono::nanoseconds(0), wait);
    } else if (!done && !idle.empty()) {
      wait = std::chrono::milliseconds(1); // records may be waiting in the queue
    }
    mux.wait(wait, on_done);
  }
}

void Runner::work() {
  std::unique_ptr<http::Transport> transport;
  try {
    transport = m_deps.transport();
  } catch (...) {
  }
  for (;;) {
    bool done = false;
    std::optional<Item> taken = take(std::chrono::milliseconds(200), done);
    if (!taken) {
      if (done) return;
      continue;
    }
    Item item = std::move(*taken);
    const auto when = due(item.first, item.second);
    if (when > m_deps.steady_now()) m_deps.sleep_until(when);
    EventResult result = prepare(std::move(item), true); // a re-signed retry is built from the record again
    try {
      if (result.build_error.empty() && !transport) result.build_error = "no transport";
      if (result.build_error.empty()) {
        auto make = [&](int attempt) {
          // A retry of a re-signed event is signed again, with a fresh timestamp, as providers do.
          if (attempt > 1 && m_options.plan.resign) {
            if (auto again = build_request(result.record, m_options.plan, m_deps.now_us() / 1'000'000, m_deps.random))
              result.request = std::move(*again);
          }
          return result.request;
        };
        result.delivery = delivery::deliver(*transport, make, m_options.retry, m_deps.retry_clock, {}, &m_cancel);
      }
    } catch (const std::exception& e) {
      result.build_error = fmt::format("internal error: {}", e.what());
    }
    complete(result);
  }
}

} // namespace hookctl::replay
