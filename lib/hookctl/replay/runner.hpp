#pragma once
// The sending half of `hookctl replay`: each selected record becomes a request (to a new base URL,
// body edited by --set, re-signed when asked), delivered with send's retry policy by a pool of
// workers, paced in capture order, at a rate, or keeping the original gaps; each result is compared
// with what was recorded and handed to the caller as it completes.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hookctl/capture/record.hpp"
#include "hookctl/delivery/deliver.hpp"
#include "hookctl/delivery/retry.hpp"
#include "hookctl/http/message.hpp"
#include "hookctl/http/multiplex.hpp"
#include "hookctl/replay/compare.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::replay {

// --resign: a fresh signature at the current time instead of the captured one.
struct Resign {
  std::string provider;
  sign::Keys keys;
  sign::SchemeOptions scheme_options;
  bool new_ids = false; // --new-ids: a fresh delivery id too (else the captured one is kept)
};

// How each record becomes a request.
struct RequestPlan {
  std::string to;                // --to base URL (path and query of the record appended), or
  bool exact = false;            // --to-exact: the URL as is
  std::vector<std::string> sets; // --set PATH=VALUE edits of the body
  std::optional<Resign> resign;
};

// The request that replays `record` under `plan`, signed at `now` (unix seconds) when re-signing;
// `random` gives bytes for fresh delivery ids. Errc::usage for a bad --set or keys, Errc::input for a
// body --set cannot edit. Adds no header of hookctl's own (no User-Agent).
Result<http::Request> build_request(const capture::Record& record, const RequestPlan& plan, int64_t now,
                                    const std::function<std::string(size_t)>& random);

// The unix seconds a provider's signature headers carry (Stripe's t=, webhook-timestamp,
// X-Slack-Request-Timestamp, ...), or nullopt when `provider` signs without one or it is absent.
std::optional<int64_t> signed_at(std::string_view provider, const util::Headers& headers);

// Whether the captured signature of `record` will fail its provider's timestamp window at `now_us`:
// the provider has a window and the signed timestamp (or, without one, the capture time) is older.
// `provider`, when given, is set to the record's provider.
bool stale(const capture::Record& record, int64_t now_us, std::string* provider = nullptr);

// How the run is paced and compared.
struct RunOptions {
  RequestPlan plan;
  int concurrency = 1;         // --concurrency: requests in flight
  std::optional<double> rate;  // --rate: requests per second for the whole run
  std::optional<double> speed; // --preserve-timing: keep the captured gaps, divided by this
  delivery::RetryPolicy retry; // send's policy
  bool comparing = false;      // --compare or --expect-status
  CompareOptions compare;
};

// One replayed event.
struct EventResult {
  uint64_t index = 0;          // 0-based in replay order
  capture::Record record;      // as captured (on the event-loop path without its body: see `request`)
  http::Request request;       // as sent (last attempt)
  delivery::Delivery delivery; // every attempt
  std::string build_error;     // why no request could be built (then `delivery` is empty)
  std::optional<Comparison> comparison;
  int64_t sent_at_us = 0; // unix microseconds of the first attempt
};

// What the runner needs from outside; tests pass fakes.
struct RunDeps {
  std::function<std::unique_ptr<http::Transport>()> transport; // one per worker
  // When set (plain http:// targets) and no retries are asked for, event loops drive this many
  // slots each instead of a thread per connection: the path that keeps up with send's load mode.
  std::function<std::unique_ptr<http::Multiplexer>(size_t slots)> multiplexer;
  unsigned loops = 0;                        // event-loop threads for `multiplexer` (0: one per core)
  std::function<int64_t()> now_us;           // wall clock, unix microseconds
  std::function<std::string(size_t)> random; // thread-safe
  delivery::Clock retry_clock;               // waits between attempts
  // Monotonic time and a sleep until it, for pacing.
  std::function<std::chrono::steady_clock::time_point()> steady_now;
  std::function<void(std::chrono::steady_clock::time_point)> sleep_until;
};

// Runs the replay: `submit` records in order (it blocks while the workers are busy, so memory stays
// bounded), then `finish`. `on_result` is called once per record, one call at a time, in the order
// results complete (capture order with one worker).
class Runner {
public:
  Runner(RunOptions options, RunDeps deps, std::function<void(EventResult&&)> on_result);
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;
  ~Runner();

  // Starts the workers; Errc::usage for bad options.
  Result<void> start();
  // Queues `record`; false once `cancel` was set (nothing more is sent).
  bool submit(capture::Record&& record);
  // A record the runner is done with, or a new one: parsing the next line into it reuses its
  // storage. Call it from the thread that calls submit (which allocated it).
  capture::Record recycled();
  // Waits for every queued record to be replayed and joins the workers.
  void finish();
  // Stops handing out records; the ones in flight end (no further retries).
  void cancel();

private:
  using Item = std::pair<uint64_t, capture::Record>;
  // A first-in first-out queue of items in a ring of reused slots (a std::deque would allocate a
  // node per item, as big as a record is).
  class Fifo {
  public:
    bool empty() const { return m_count == 0; }
    size_t size() const { return m_count; }
    void push(uint64_t index, capture::Record&& record);
    Item& front() { return m_slots[m_head]; } // the oldest; not empty
    void drop_front();

  private:
    std::vector<Item> m_slots;
    size_t m_head = 0, m_count = 0;
  };
  void work();
  void loop(http::Multiplexer& mux);
  // Takes the next record: waits up to `wait` for one; nullopt when none came (`done` is set once
  // the run is closed and drained, or cancelled).
  std::optional<Item> take(std::chrono::milliseconds wait, bool& done);
  // Moves up to `max` records into `out` under one lock (same waiting and `done` as take).
  // `replayed` (records done with) go to m_replayed.
  void take_some(std::chrono::milliseconds wait, size_t max, bool& done, Fifo& out,
                 std::vector<capture::Record>& replayed);
  // Records queued at most (the reader waits beyond, until half of them are taken).
  size_t queue_bound() const;
  // The result of `item` with its request built (or its build error), sent at the current time;
  // without `keep_body`, the record's body is moved into the request.
  EventResult prepare(Item&& item, bool keep_body);
  // Compares (when asked) and hands `result` to the caller.
  void complete(EventResult& result);
  std::chrono::steady_clock::time_point due(uint64_t index, const capture::Record& record);

  RunOptions m_options;
  RunDeps m_deps;
  std::function<void(EventResult&&)> m_on_result;
  std::mutex m_mutex;
  std::condition_variable m_not_empty; // a record was queued, or the run is closing
  std::condition_variable m_not_full;  // a record was taken, or the run was cancelled
  Fifo m_queue;
  // Records the event loops are done with, handed back to the reader thread (recycled), which
  // allocated them: it parses into them again instead of allocating, and frees what it allocated
  // (freeing another thread's allocations contends for malloc's arena locks).
  std::vector<capture::Record> m_replayed;
  std::vector<capture::Record> m_spare; // taken from m_replayed; the reader thread's only
  bool m_closed = false;
  std::atomic<bool> m_cancel{false};
  uint64_t m_next = 0;
  std::mutex m_result_mutex;
  std::vector<std::thread> m_workers;
  std::optional<std::chrono::steady_clock::time_point> m_start;
  std::optional<int64_t> m_first_us; // received_at of the first record (--preserve-timing)
};

} // namespace hookctl::replay
