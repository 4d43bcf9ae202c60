#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/capture/store.hpp"

using namespace hookctl;
using namespace hookctl::capture;
using namespace std::chrono_literals;

namespace {

// A fresh directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
public:
  TempDir() {
    std::string templ = "/tmp/hookctl-capture-test.XXXXXX";
    char* made = ::mkdtemp(templ.data());
    REQUIRE(made != nullptr);
    m_path = made;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
  std::string m_path;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// Every line of the file at `path` is complete and parses; returns their seqs.
std::vector<uint64_t> seqs_in(const std::string& path) {
  const std::string text = read_file(path);
  CHECK((text.empty() || text.back() == '\n'));
  std::vector<uint64_t> seqs;
  for (const auto& line : lines_of(text)) {
    auto r = parse_line(line);
    CHECK_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    if (r) seqs.push_back(r->seq);
  }
  return seqs;
}

Record sample(const std::string& body = R"({"action":"opened"})") {
  Record r;
  r.id = make_record_id(1700000000000, "0123456789");
  r.received_at = "2023-11-14T22:13:20.000000Z";
  r.remote = "127.0.0.1:50000";
  r.method = "POST";
  r.path = "/hook";
  r.headers.add("Content-Type", "application/json");
  r.body = body;
  r.response = RecordedResponse{200, 0.5, {}, {}};
  return r;
}

// The line a record with `seq` would have in a file.
std::string line_with_seq(uint64_t seq) {
  Record r = sample();
  r.seq = seq;
  return to_line(r);
}

std::unique_ptr<Store> open_ok(const std::string& path, const StoreOptions& options = {}) {
  auto store = Store::open(path, options);
  REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().message));
  return std::move(store).value();
}

uint64_t append_ok(Store& store, Record r = sample()) {
  auto seq = store.append(r);
  REQUIRE_MESSAGE(seq.ok(), (seq.ok() ? "" : seq.error().message));
  CHECK(r.seq == *seq);
  return *seq;
}

// Real system calls, counted; fsync can take `fsync_delay` to stand for a slow disk.
class CountingOps : public FileOps {
public:
  ssize_t write(int fd, const void* data, size_t size) override {
    ++writes;
    return FileOps::write(fd, data, size);
  }
  int fsync(int fd) override {
    ++fsyncs;
    if (fsync_delay.count() > 0) std::this_thread::sleep_for(fsync_delay);
    return FileOps::fsync(fd);
  }
  std::atomic<int> writes{0};
  std::atomic<int> fsyncs{0};
  std::chrono::microseconds fsync_delay{0};
};

// Real system calls until a fault is armed: writes stop after `write_budget` more bytes (a short
// write, then -1 with `write_errno`), and the next fsync can fail with EIO.
class FaultOps : public FileOps {
public:
  ssize_t write(int fd, const void* data, size_t size) override {
    const long budget = write_budget.load();
    if (budget < 0) return FileOps::write(fd, data, size);
    if (budget == 0) {
      errno = write_errno;
      return -1;
    }
    const ssize_t n = FileOps::write(fd, data, std::min(size, static_cast<size_t>(budget)));
    if (n > 0) write_budget -= n;
    return n;
  }
  int fsync(int fd) override {
    if (fail_next_fsync.exchange(false)) {
      errno = EIO;
      return -1;
    }
    return FileOps::fsync(fd);
  }
  std::atomic<long> write_budget{-1};
  int write_errno = EIO;
  std::atomic<bool> fail_next_fsync{false};
};

} // namespace

TEST_CASE("capture::parse_durability reads the three modes") {
  CHECK(*parse_durability("always") == Durability::always);
  CHECK(*parse_durability("batch") == Durability::batch);
  CHECK(*parse_durability("none") == Durability::none);
  auto bad = parse_durability("sometimes");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::usage);
  for (auto d : {Durability::always, Durability::batch, Durability::none})
    CHECK(*parse_durability(durability_name(d)) == d);
}

TEST_CASE("capture::Store creates a missing file with mode 0600 and reads an empty one") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  {
    auto store = open_ok(path);
    CHECK(store->opened().created);
    CHECK(store->opened().records == 0);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  auto again = open_ok(path);
  CHECK_FALSE(again->opened().created);
  CHECK(again->opened().records == 0);
  CHECK(again->opened().last_seq == 0);
  CHECK(append_ok(*again) == 1);

  auto dir_as_file = Store::open(dir.file(""), {});
  REQUIRE_FALSE(dir_as_file.ok());
  CHECK(dir_as_file.error().code == Errc::environment);
  auto no_dir = Store::open(dir.file("missing/cap.jsonl"), {});
  REQUIRE_FALSE(no_dir.ok());
  CHECK(no_dir.error().code == Errc::environment);
  CHECK(no_dir.error().message.find("missing/cap.jsonl") != std::string::npos);
}

TEST_CASE("capture::Store continues seq after reopening") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  {
    auto store = open_ok(path);
    CHECK(append_ok(*store) == 1);
    CHECK(append_ok(*store) == 2);
    CHECK(append_ok(*store, sample(std::string("\x00\xff", 2))) == 3);
  }
  auto store = open_ok(path);
  CHECK(store->opened().records == 3);
  CHECK(store->opened().last_seq == 3);
  CHECK(store->opened().torn_bytes == 0);
  CHECK(append_ok(*store) == 4);
  CHECK(seqs_in(path) == std::vector<uint64_t>{1, 2, 3, 4});
  // The binary body came back byte-exact.
  auto third = parse_line(lines_of(read_file(path))[2]);
  REQUIRE(third.ok());
  CHECK(third->body == std::string("\x00\xff", 2));
}

TEST_CASE("capture::Store truncates a torn last line and reports it") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  const std::string good = line_with_seq(1) + line_with_seq(2);
  SUBCASE("a half-written line") {
    const std::string torn = line_with_seq(3).substr(0, 40);
    write_file(path, good + torn);
    auto store = open_ok(path);
    CHECK(store->opened().torn_bytes == torn.size());
  }
  SUBCASE("a whole record missing only its newline is torn too (its write never completed)") {
    const std::string torn = line_with_seq(3);
    write_file(path, good + torn.substr(0, torn.size() - 1));
    auto store = open_ok(path);
    CHECK(store->opened().torn_bytes == torn.size() - 1);
  }
  CHECK(read_file(path) == good);
  auto store = open_ok(path);
  CHECK(store->opened().torn_bytes == 0);
  CHECK(store->opened().records == 2);
  CHECK(store->opened().last_seq == 2);
  CHECK(append_ok(*store) == 3);
  CHECK(seqs_in(path) == std::vector<uint64_t>{1, 2, 3});
}

TEST_CASE("capture::Store does not treat a complete last line as torn") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  write_file(path, line_with_seq(1) + line_with_seq(2));
  auto store = open_ok(path);
  CHECK(store->opened().torn_bytes == 0);
  CHECK(store->opened().records == 2);
  CHECK(read_file(path) == line_with_seq(1) + line_with_seq(2));
}

TEST_CASE("capture::Store refuses a corrupt line, naming file and line, and --repair moves it aside") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  std::string v2 = line_with_seq(3);
  v2.replace(v2.find(R"("v":1)"), 5, R"("v":2)");
  const std::string content = line_with_seq(1) + "garbage\n" + line_with_seq(2) + v2 + line_with_seq(4);
  write_file(path, content);

  auto refused = Store::open(path, {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::input);
  CHECK(refused.error().message.rfind(path + ":2: not valid JSON", 0) == 0);
  CHECK(refused.error().message.find("(run with --repair to move it aside)") != std::string::npos);
  CHECK(read_file(path) == content);

  // A corrupt last line that is complete is corruption, not a torn tail.
  write_file(path, line_with_seq(1) + v2);
  auto version = Store::open(path, {});
  REQUIRE_FALSE(version.ok());
  CHECK(version.error().message == path + ":2: unsupported capture version 2 (this hookctl reads version 1) " +
                                       "(run with --repair to move it aside)");

  write_file(path, content + "{\"v\":1,\"se");
  StoreOptions repair;
  repair.repair = true;
  {
    auto store = open_ok(path, repair);
    CHECK(store->opened().repaired == 2);
    CHECK(store->opened().records == 3);
    CHECK(store->opened().last_seq == 4);
    CHECK(store->opened().torn_bytes == 10);
    CHECK(read_file(path + ".rejected") == "garbage\n" + v2);
    CHECK(read_file(path) == line_with_seq(1) + line_with_seq(2) + line_with_seq(4));
    CHECK(append_ok(*store) == 5);
  }
  CHECK_FALSE(std::filesystem::exists(path + ".repair.tmp"));
  CHECK(seqs_in(path) == std::vector<uint64_t>{1, 2, 4, 5});
  auto clean = open_ok(path);
  CHECK(clean->opened().repaired == 0);
  CHECK(clean->opened().records == 4);

  // A second repair appends to the rejected file.
  write_file(path, line_with_seq(1) + "{}\n");
  CHECK(open_ok(path, repair)->opened().repaired == 1);
  CHECK(read_file(path + ".rejected") == "garbage\n" + v2 + "{}\n");
}

TEST_CASE("capture::Store group commit: 8 threads x 500 appends in always mode") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  auto ops = std::make_shared<CountingOps>();
  ops->fsync_delay = 200us; // a disk that takes a moment is when grouping pays
  StoreOptions options;
  options.ops = ops;
  auto store = open_ok(path, options);
  const int fsyncs_at_open = ops->fsyncs.load();

  constexpr int k_threads = 8;
  constexpr int k_per_thread = 500;
  std::vector<std::vector<uint64_t>> got(k_threads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_per_thread; ++i) {
        Record r = sample(std::to_string(t) + ":" + std::to_string(i));
        auto seq = store->append(r);
        if (seq)
          got[static_cast<size_t>(t)].push_back(*seq);
        else
          ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);

  std::set<uint64_t> returned;
  for (const auto& g : got) returned.insert(g.begin(), g.end());
  CHECK(returned.size() == k_threads * k_per_thread);
  CHECK(*returned.begin() == 1);
  CHECK(*returned.rbegin() == k_threads * k_per_thread);

  const auto in_file = seqs_in(path);
  CHECK(in_file.size() == k_threads * k_per_thread);
  CHECK(std::set<uint64_t>(in_file.begin(), in_file.end()) == returned);
  const int fsyncs = ops->fsyncs.load() - fsyncs_at_open;
  INFO("fsyncs for ", k_threads * k_per_thread, " appends: ", fsyncs);
  CHECK(fsyncs >= 1);
  CHECK(fsyncs < k_threads * k_per_thread);
  CHECK(ops->writes.load() == k_threads * k_per_thread);
}

TEST_CASE("capture::Store fsyncs every append in always mode even alone") {
  TempDir dir;
  auto ops = std::make_shared<CountingOps>();
  StoreOptions options;
  options.ops = ops;
  write_file(dir.file("cap.jsonl"), "");
  auto store = open_ok(dir.file("cap.jsonl"), options);
  CHECK(ops->fsyncs == 0);
  append_ok(*store);
  CHECK(ops->fsyncs == 1);
  append_ok(*store);
  CHECK(ops->fsyncs == 2);
  REQUIRE(store->flush().ok());
  CHECK(ops->fsyncs == 2); // nothing left unsynced
}

TEST_CASE("capture::Store write faults leave only complete lines and do not use up the seq") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  auto ops = std::make_shared<FaultOps>();
  StoreOptions options;
  options.ops = ops;
  auto store = open_ok(path, options);
  CHECK(append_ok(*store) == 1);
  const std::string before = read_file(path);

  std::string expected_cause;
  SUBCASE("a short write, then an error") {
    ops->write_budget = 25;
    ops->write_errno = EIO;
    expected_cause = "capture write failed: Input/output error";
  }
  SUBCASE("ENOSPC at once") {
    ops->write_budget = 0;
    ops->write_errno = ENOSPC;
    expected_cause = "capture write failed: No space left on device";
  }
  SUBCASE("ENOSPC after part of the line") {
    ops->write_budget = 1;
    ops->write_errno = ENOSPC;
    expected_cause = "capture write failed: No space left on device";
  }
  Record r = sample();
  auto failed = store->append(r);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == Errc::environment);
  CHECK(failed.error().message == expected_cause);
  CHECK(read_file(path) == before);

  ops->write_budget = -1;
  CHECK(append_ok(*store) == 2);
  CHECK(seqs_in(path) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("capture::Store a failed fsync in always mode fails the append and truncates its line") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  auto ops = std::make_shared<FaultOps>();
  StoreOptions options;
  options.ops = ops;
  auto store = open_ok(path, options);
  CHECK(append_ok(*store) == 1);
  const std::string before = read_file(path);

  ops->fail_next_fsync = true;
  Record r = sample();
  auto failed = store->append(r);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == Errc::environment);
  CHECK(failed.error().message == "capture fsync failed: Input/output error");
  CHECK(read_file(path) == before);

  CHECK(append_ok(*store) == 2);
  CHECK(seqs_in(path) == std::vector<uint64_t>{1, 2});
}

namespace {

// Holds the first fsync until released, then fails it, so a test can line up an append behind it.
class GateOps : public FileOps {
public:
  ssize_t write(int fd, const void* data, size_t size) override {
    std::lock_guard lock(m_mutex);
    ++m_writes;
    m_cv.notify_all();
    return FileOps::write(fd, data, size);
  }
  int fsync(int fd) override {
    std::unique_lock lock(m_mutex);
    if (m_used) return FileOps::fsync(fd);
    m_used = true;
    m_in_fsync = true;
    m_cv.notify_all();
    m_cv.wait(lock, [this] { return m_released; });
    errno = EIO;
    return -1;
  }
  // Waits (boundedly) until `writes` writes were made and an fsync is being held.
  bool wait_for(int writes) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, 10s, [&] { return m_writes >= writes && m_in_fsync; });
  }
  void release() {
    std::lock_guard lock(m_mutex);
    m_released = true;
    m_cv.notify_all();
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_writes = 0;
  bool m_in_fsync = false;
  bool m_used = false;
  bool m_released = false;
};

} // namespace

TEST_CASE("capture::Store a failed group fsync fails every append written before it was settled") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  write_file(path, line_with_seq(1));
  auto ops = std::make_shared<GateOps>();
  StoreOptions options;
  options.ops = ops;
  auto store = open_ok(path, options);

  Result<uint64_t> first = make_error(Errc::internal, "not run");
  Result<uint64_t> second = make_error(Errc::internal, "not run");
  std::thread a([&] {
    Record r = sample();
    first = store->append(r);
  });
  REQUIRE(ops->wait_for(1));
  // The second line is written while the first one's fsync is running.
  std::thread b([&] {
    Record r = sample();
    second = store->append(r);
  });
  const bool lined_up = ops->wait_for(2);
  ops->release();
  a.join();
  b.join();
  REQUIRE(lined_up);
  REQUIRE_FALSE(first.ok());
  REQUIRE_FALSE(second.ok());
  CHECK(first.error().message == "capture fsync failed: Input/output error");
  CHECK(second.error().message == "capture fsync failed: Input/output error");
  CHECK(read_file(path) == line_with_seq(1));
  CHECK(append_ok(*store) == 2);
  CHECK(seqs_in(path) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("capture::Store batch mode syncs in the background and at close") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  write_file(path, "");
  auto ops = std::make_shared<CountingOps>();
  StoreOptions options;
  options.ops = ops;
  options.durability = Durability::batch;

  SUBCASE("within a few intervals") {
    options.batch_interval = 20ms;
    auto store = open_ok(path, options);
    append_ok(*store);
    append_ok(*store);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (ops->fsyncs == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    CHECK(ops->fsyncs >= 1);
  }
  SUBCASE("a final fsync when closed") {
    options.batch_interval = std::chrono::hours(1);
    {
      auto store = open_ok(path, options);
      append_ok(*store);
      CHECK(ops->fsyncs == 0);
    }
    CHECK(ops->fsyncs == 1);
  }
  SUBCASE("flush syncs at once") {
    options.batch_interval = std::chrono::hours(1);
    auto store = open_ok(path, options);
    append_ok(*store);
    REQUIRE(store->flush().ok());
    CHECK(ops->fsyncs == 1);
  }
  CHECK(seqs_in(path).size() >= 1);
}

TEST_CASE("capture::Store none mode never fsyncs") {
  TempDir dir;
  const std::string path = dir.file("cap.jsonl");
  auto ops = std::make_shared<CountingOps>();
  StoreOptions options;
  options.ops = ops;
  options.durability = Durability::none;
  {
    auto store = open_ok(path, options);
    for (int i = 0; i < 10; ++i) append_ok(*store);
    REQUIRE(store->flush().ok());
  }
  CHECK(ops->writes == 10);
  CHECK(ops->fsyncs == 0);
  CHECK(seqs_in(path).size() == 10);
}
