// delivery::run_load with fake transports and, where timing matters, a fake clock: counts, pacing,
// coordinated omission, duration, cancellation, progress, errors and constant memory; each case runs
// on both engines (a thread per blocking transport, and event loops over multiplexers).
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/delivery/load.hpp"

using namespace hookctl;
using namespace hookctl::delivery;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

// A monotonic clock that only moves when told to; sleeping jumps to the deadline. Thread-safe.
struct FakeLoadClock {
  std::atomic<int64_t> now_ns{1'000'000'000};
  void advance_to(int64_t t) {
    int64_t cur = now_ns.load();
    while (cur < t && !now_ns.compare_exchange_weak(cur, t)) {
    }
  }
  LoadClock clock() {
    return LoadClock{[this] { return nanoseconds(now_ns.load()); }, [this](nanoseconds t) { advance_to(t.count()); }};
  }
};

// What the fake transports share: hits per index, send times and the outcome rule.
struct Sink {
  std::mutex mutex;
  std::vector<int> hits;            // per request index (left empty for big runs)
  std::vector<nanoseconds> sent_at; // fake-clock time of each send, in order
  std::atomic<uint64_t> sends{0};
  std::atomic<int> transports{0};
  std::atomic<int> misuse{0}; // FakeMultiplexer::start on a busy slot
  FakeLoadClock* clock = nullptr;
  nanoseconds service_time{0};             // how far each send moves the fake clock
  std::chrono::milliseconds real_sleep{0}; // how long each send really takes
  std::function<void(uint64_t)> on_send;   // called with the index before answering
  bool mixed = true;                       // index % 10: 0 -> 500, 1 -> timeout, 2 -> connect, else 200
};

class FakeTransport : public http::Transport {
public:
  explicit FakeTransport(Sink& sink) : m_sink(sink) { ++m_sink.transports; }
  http::Outcome send(const http::Request& request) override {
    const uint64_t index = std::stoull(std::string(*request.headers.get("x-index")));
    if (m_sink.on_send) m_sink.on_send(index);
    if (m_sink.clock) {
      const int64_t at = m_sink.clock->now_ns.fetch_add(m_sink.service_time.count());
      std::lock_guard lock(m_sink.mutex);
      m_sink.sent_at.push_back(nanoseconds(at));
    }
    if (m_sink.real_sleep.count() > 0) std::this_thread::sleep_for(m_sink.real_sleep);
    if (!m_sink.hits.empty()) {
      std::lock_guard lock(m_sink.mutex);
      ++m_sink.hits.at(index);
    }
    ++m_sink.sends;
    http::Outcome o;
    const uint64_t kind = m_sink.mixed ? index % 10 : 9;
    if (kind == 1 || kind == 2) {
      o.failure = kind == 1 ? http::Failure::timeout : http::Failure::connect;
      o.error = "fake failure";
      return o;
    }
    o.response = http::Response{kind == 0 ? 500 : 200, {}, "ok"};
    return o;
  }

private:
  Sink& m_sink;
};

TransportFactory factory(Sink& sink) {
  return [&sink] { return std::make_unique<FakeTransport>(sink); };
}

// Many slots over one FakeTransport each: start() sends at once, wait() hands out what ended.
// Starting a busy slot is counted as misuse, which every run checks is zero.
class FakeMultiplexer : public http::Multiplexer {
public:
  FakeMultiplexer(Sink& sink, size_t slots) : m_sink(sink), m_busy(slots, false) {
    for (size_t i = 0; i < slots; ++i) m_transports.push_back(std::make_unique<FakeTransport>(sink));
  }
  size_t slots() const override { return m_transports.size(); }
  void start(size_t slot, const http::Request& request) override {
    if (m_busy.at(slot)) ++m_sink.misuse;
    m_busy.at(slot) = true;
    m_ready.emplace_back(slot, m_transports.at(slot)->send(request));
  }
  size_t wait(nanoseconds, const std::function<void(size_t, http::Outcome&)>& done) override {
    auto ready = std::move(m_ready);
    m_ready.clear();
    for (auto& [slot, outcome] : ready) {
      m_busy.at(slot) = false;
      done(slot, outcome);
    }
    return ready.size();
  }

private:
  Sink& m_sink;
  std::vector<std::unique_ptr<FakeTransport>> m_transports;
  std::vector<bool> m_busy;
  std::vector<std::pair<size_t, http::Outcome>> m_ready;
};

enum class Engine { threads, loops };
constexpr std::array<Engine, 2> k_engines{Engine::threads, Engine::loops};

// Runs `o` against `sink` on `engine`; fails the test on a misused slot.
Result<LoadReport> run(Engine engine, const LoadOptions& o, Sink& sink, const RequestFactory& make,
                       const std::function<void(const LoadProgress&)>& progress = {},
                       const LoadClock& clock = real_load_clock()) {
  Result<LoadReport> r = engine == Engine::threads ? run_load(o, factory(sink), make, progress, clock)
                                                   : run_load(o, MultiplexerFactory([&sink](size_t slots) {
                                                                return std::make_unique<FakeMultiplexer>(sink, slots);
                                                              }),
                                                              make, progress, clock);
  CHECK(sink.misuse.load() == 0);
  return r;
}

http::Request make_request(uint64_t index) {
  http::Request r;
  r.url = "http://127.0.0.1:9/hook";
  r.headers.add("x-index", std::to_string(index));
  r.headers.add("webhook-timestamp", "1700000000");
  r.body = R"({"type":"load.test"})";
  return r;
}

// Peak resident memory in KiB (VmHWM), or -1 where /proc is not available.
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux: write 5 to clear_refs); false when not allowed.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

} // namespace

TEST_CASE("delivery::run_load: --count N with C workers sends each request exactly once and counts outcomes") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    Sink sink;
    sink.hits.assign(1000, 0);
    LoadOptions o;
    o.count = 1000;
    o.concurrency = 4;
    auto r = run(engine, o, sink, make_request);
    REQUIRE(r.ok());
    CHECK(r->sent == 1000);
    CHECK(sink.transports == 4);
    CHECK(std::all_of(sink.hits.begin(), sink.hits.end(), [](int h) { return h == 1; }));
    CHECK(r->ok == 700);
    CHECK(r->errors == 200);
    CHECK(r->statuses == std::map<int, uint64_t>{{200, 700}, {500, 100}});
    CHECK(r->errors_by_kind == std::map<std::string, uint64_t>{{"connect", 100}, {"timeout", 100}});
    CHECK(r->latency.count() == 800); // responses only
    CHECK_FALSE(r->cancelled);
    CHECK(r->elapsed > 0ns);
    CHECK(r->throughput > 0);

    // Fewer requests than workers: no idle transports.
    Sink small;
    LoadOptions two;
    two.count = 2;
    two.concurrency = 8;
    auto r2 = run(engine, two, small, make_request);
    REQUIRE(r2.ok());
    CHECK(r2->sent == 2);
    CHECK(small.transports == 2);

    Sink none;
    LoadOptions zero;
    zero.count = 0;
    auto r0 = run(engine, zero, none, make_request);
    REQUIRE(r0.ok());
    CHECK(r0->sent == 0);
  }
}

TEST_CASE("delivery::run_load: --rate paces an open loop: request i is due at start + i / rate") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    FakeLoadClock fc;
    Sink sink;
    sink.clock = &fc;
    sink.mixed = false;
    const int64_t start = fc.now_ns.load();
    LoadOptions o;
    o.count = 50;
    o.rate = 100; // one every 10 ms
    auto r = run(engine, o, sink, make_request, {}, fc.clock());
    REQUIRE(r.ok());
    CHECK(r->sent == 50);
    REQUIRE(sink.sent_at.size() == 50);
    for (size_t i = 0; i < sink.sent_at.size(); ++i) {
      CAPTURE(i);
      CHECK(sink.sent_at[i] == nanoseconds(start) + i * 10ms);
    }
    CHECK(r->elapsed == 490ms);
    CHECK(r->latency.max() == 0ns); // an instant endpoint that is never late
  }
}

TEST_CASE("delivery::run_load: an open loop counts latency from the due time (coordinated omission)") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    // The endpoint takes 20 ms but requests are due every 10 ms: each one starts later than due, and
    // the wait counts. A closed loop would report a flat 20 ms.
    FakeLoadClock fc;
    Sink sink;
    sink.clock = &fc;
    sink.service_time = 20ms;
    sink.mixed = false;
    LoadOptions o;
    o.count = 10;
    o.rate = 100;
    auto r = run(engine, o, sink, make_request, {}, fc.clock());
    REQUIRE(r.ok());
    CHECK(r->latency.min() == 20ms);
    CHECK(r->latency.max() == 110ms); // request 9: due at 90 ms, sent at 180 ms, done at 200 ms
    CHECK(r->latency.mean() == 65ms);

    FakeLoadClock fc2;
    Sink closed;
    closed.clock = &fc2;
    closed.service_time = 20ms;
    closed.mixed = false;
    LoadOptions c;
    c.count = 10;
    auto r2 = run(engine, c, closed, make_request, {}, fc2.clock());
    REQUIRE(r2.ok());
    CHECK(r2->latency.min() == 20ms);
    CHECK(r2->latency.max() == 20ms);
    CHECK(r2->elapsed == 200ms);
  }
}

TEST_CASE("delivery::run_load: --duration stops the run (closed and open loop)") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    {
      // Closed loop, one worker, 10 ms per request on a fake clock: 100 requests fit in 1 s.
      FakeLoadClock fc;
      Sink sink;
      sink.clock = &fc;
      sink.service_time = 10ms;
      LoadOptions o;
      o.duration = 1000ms;
      auto r = run(engine, o, sink, make_request, {}, fc.clock());
      REQUIRE(r.ok());
      CHECK(r->sent == 100);
      CHECK(r->elapsed == 1000ms);
    }
    {
      // Open loop: exactly the requests due within the duration, whatever the workers do.
      FakeLoadClock fc;
      Sink sink;
      sink.clock = &fc;
      LoadOptions o;
      o.duration = 1000ms;
      o.rate = 100;
      o.concurrency = 3;
      auto r = run(engine, o, sink, make_request, {}, fc.clock());
      REQUIRE(r.ok());
      CHECK(r->sent == 100);
    }
    {
      // Both: whichever comes first.
      FakeLoadClock fc;
      Sink sink;
      sink.clock = &fc;
      LoadOptions o;
      o.duration = 1000ms;
      o.count = 30;
      o.rate = 100;
      auto r = run(engine, o, sink, make_request, {}, fc.clock());
      REQUIRE(r.ok());
      CHECK(r->sent == 30);
    }
    {
      // The real clock: counts only, no timing assertions beyond "it ran at least that long".
      Sink sink;
      sink.real_sleep = 1ms;
      LoadOptions o;
      o.duration = 150ms;
      o.concurrency = 2;
      auto r = run(engine, o, sink, make_request);
      REQUIRE(r.ok());
      CHECK(r->sent > 0);
      CHECK(r->sent <= 2 * 151);
      CHECK(r->elapsed >= 150ms);
    }
  }
}

TEST_CASE("delivery::run_load: a cancel flag stops new requests; every worker is joined") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    Sink sink;
    std::atomic<bool> cancel{false};
    sink.on_send = [&](uint64_t) {
      if (sink.sends.load() + 1 >= 10) cancel = true;
    };
    LoadOptions o;
    o.count = 1'000'000'000;
    o.concurrency = 2;
    o.cancel = &cancel;
    auto r = run(engine, o, sink, make_request);
    REQUIRE(r.ok());
    CHECK(r->cancelled);
    CHECK(r->sent >= 10);
    CHECK(r->sent <= 12);
    CHECK(r->sent == sink.sends.load());

    // A paced worker asleep until a far due time wakes up for the flag (else this test takes 100 s).
    Sink paced;
    std::atomic<bool> stop{false};
    LoadOptions slow;
    slow.count = 5;
    slow.rate = 0.01; // one every 100 s
    slow.cancel = &stop;
    std::thread canceller([&] {
      while (paced.sends.load() == 0) std::this_thread::sleep_for(1ms);
      std::this_thread::sleep_for(20ms);
      stop = true;
    });
    auto r2 = run(engine, slow, paced, make_request);
    canceller.join();
    REQUIRE(r2.ok());
    CHECK(r2->sent == 1);
    CHECK(r2->cancelled);
    CHECK(r2->elapsed < 100s);
  }
}

TEST_CASE("delivery::run_load: progress snapshots come from the calling thread, the last one final") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    Sink sink;
    std::mutex m;
    std::condition_variable cv;
    int calls = 0;
    LoadProgress last;
    const auto caller = std::this_thread::get_id();
    bool other_thread = false;
    // The first request waits (up to 10 s) until a progress snapshot has been taken mid-run.
    sink.on_send = [&](uint64_t index) {
      if (index != 0) return;
      std::unique_lock lock(m);
      cv.wait_for(lock, 10s, [&] { return calls > 0; });
    };
    LoadOptions o;
    o.count = 4;
    o.progress_interval = 1ms;
    auto r = run(engine, o, sink, make_request, [&](const LoadProgress& p) {
      std::lock_guard lock(m);
      ++calls;
      last = p;
      if (std::this_thread::get_id() != caller) other_thread = true;
      cv.notify_all();
    });
    REQUIRE(r.ok());
    CHECK(calls >= 2);
    CHECK_FALSE(other_thread);
    CHECK(last.sent == 4);
    CHECK(last.ok == 1); // indices 0 to 3: a 500, a timeout, a refused connection and a 200
    CHECK(last.errors == 2);
  }
}

TEST_CASE("delivery::run_load: event loops share the connections; each loop keeps its slots busy") {
  // 10 connections on 3 loops: 4 + 3 + 3 slots, whatever the machine's core count.
  Sink sink;
  sink.hits.assign(5000, 0);
  std::mutex m;
  std::vector<size_t> sizes;
  LoadOptions o;
  o.count = 5000;
  o.concurrency = 10;
  o.threads = 3;
  auto r = run_load(o, MultiplexerFactory([&](size_t slots) {
                      std::lock_guard lock(m);
                      sizes.push_back(slots);
                      return std::make_unique<FakeMultiplexer>(sink, slots);
                    }),
                    make_request);
  REQUIRE(r.ok());
  std::sort(sizes.begin(), sizes.end());
  CHECK(sizes == std::vector<size_t>{3, 3, 4});
  CHECK(r->sent == 5000);
  CHECK(std::all_of(sink.hits.begin(), sink.hits.end(), [](int h) { return h == 1; }));
  CHECK(sink.misuse.load() == 0);

  // More loops than connections: one loop per connection.
  sizes.clear();
  o.count = 2;
  o.threads = 8;
  auto r2 = run_load(o, MultiplexerFactory([&](size_t slots) {
                       sizes.push_back(slots);
                       return std::make_unique<FakeMultiplexer>(sink, slots);
                     }),
                     make_request);
  REQUIRE(r2.ok());
  CHECK(sizes == std::vector<size_t>{1, 1});
}

TEST_CASE("delivery::run_load: invalid options and failing callbacks are errors, never exceptions") {
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
    Sink sink;
    LoadOptions o;
    CHECK(run(engine, o, sink, make_request).error().code == Errc::usage); // neither count nor duration
    o.count = 5;
    o.concurrency = 0;
    CHECK(run(engine, o, sink, make_request).error().code == Errc::usage);
    o.concurrency = k_max_concurrency + 1;
    CHECK(run(engine, o, sink, make_request).error().code == Errc::usage);
    o.concurrency = 1;
    o.rate = 0;
    CHECK(run(engine, o, sink, make_request).error().code == Errc::usage);
    o.rate = std::nan("");
    CHECK(run(engine, o, sink, make_request).error().code == Errc::usage);
    o.rate.reset();

    if (engine == Engine::threads) {
      auto null_factory = [] { return std::unique_ptr<http::Transport>(); };
      CHECK(run_load(o, null_factory, make_request).error().code == Errc::internal);
      auto throwing_factory = []() -> std::unique_ptr<http::Transport> { throw std::runtime_error("no sockets"); };
      auto e = run_load(o, throwing_factory, make_request);
      REQUIRE_FALSE(e.ok());
      CHECK(e.error().message.find("no sockets") != std::string::npos);
    } else {
      o.threads = -1;
      CHECK(run(engine, o, sink, make_request).error().code == Errc::usage);
      o.threads = 0;
      MultiplexerFactory null_factory = [](size_t) { return std::unique_ptr<http::Multiplexer>(); };
      CHECK(run_load(o, null_factory, make_request).error().code == Errc::internal);
      MultiplexerFactory wrong_size = [&sink](size_t slots) {
        return std::make_unique<FakeMultiplexer>(sink, slots + 1);
      };
      CHECK(run_load(o, wrong_size, make_request).error().code == Errc::internal);
      MultiplexerFactory throwing_factory = [](size_t) -> std::unique_ptr<http::Multiplexer> {
        throw std::runtime_error("no epoll");
      };
      auto e = run_load(o, throwing_factory, make_request);
      REQUIRE_FALSE(e.ok());
      CHECK(e.error().message.find("no epoll") != std::string::npos);
    }

    LoadOptions many;
    many.count = 1000;
    many.concurrency = 3;
    auto throwing_request = [](uint64_t index) {
      if (index == 5) throw std::runtime_error("cannot sign");
      return make_request(index);
    };
    auto t = run(engine, many, sink, throwing_request);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == Errc::internal);
    CHECK(t.error().message.find("cannot sign") != std::string::npos);

    auto p = run(engine, many, sink, make_request, [](const LoadProgress&) { throw std::logic_error("tty"); });
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().message.find("tty") != std::string::npos);
  }
}

TEST_CASE("delivery::run_load: 100k requests in constant memory (peak RSS does not grow with the count)") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitizer's shadow memory and quarantine say nothing of ours; the Release run measures.
  MESSAGE("skipped under a sanitizer: peak RSS is measured in the Release build");
  return;
#endif
  for (const Engine engine : k_engines) {
    CAPTURE(engine);
#ifdef __linux__
    // Linux always has both; a silent skip there would hide a broken measurement.
    REQUIRE(peak_rss_kib() >= 0);
    REQUIRE(reset_peak_rss());
#else
    if (peak_rss_kib() < 0 || !reset_peak_rss()) {
      MESSAGE("skipped: /proc/self/status or clear_refs not available");
      return;
    }
#endif
    auto peak_of = [engine](uint64_t count) {
      reset_peak_rss();
      const long before = peak_rss_kib();
      Sink sink;
      LoadOptions o;
      o.count = count;
      o.concurrency = 4;
      auto r = run(engine, o, sink, make_request);
      REQUIRE(r.ok());
      CHECK(r->sent == count);
      CHECK(r->latency.count() == count * 8 / 10);
      return peak_rss_kib() - before;
    };
    peak_of(1'000); // warm-up: thread stacks and malloc arenas are mapped once
    const long small = peak_of(10'000);
    const long large = peak_of(100'000);
    const long larger = peak_of(300'000);
    CAPTURE(small);
    CAPTURE(large);
    CAPTURE(larger);
    CHECK(large < 30 * 1024); // under 30 MiB above the baseline
    // Thirty times the requests costs no more: one 8-byte sample per request would add 2.4 MB.
    CHECK(larger - small < 1024);
    static_assert(sizeof(LoadReport) < 40 * 1024);
  }
}
