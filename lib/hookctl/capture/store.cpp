#include "hookctl/capture/store.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace hookctl::capture {

Result<Durability> parse_durability(std::string_view text) {
  if (text == "always") return Durability::always;
  if (text == "batch") return Durability::batch;
  if (text == "none") return Durability::none;
  return make_error(Errc::usage, fmt::format("invalid durability '{}': expected always, batch or none", text));
}

std::string_view durability_name(Durability d) {
  switch (d) {
  case Durability::always: return "always";
  case Durability::batch: return "batch";
  case Durability::none: return "none";
  }
  return "always";
}

ssize_t FileOps::write(int fd, const void* data, size_t size) { return ::write(fd, data, size); }
int FileOps::fsync(int fd) { return ::fsync(fd); }
int FileOps::ftruncate(int fd, off_t size) { return ::ftruncate(fd, size); }

namespace {

// The text of the errno value `err`, thread-safe unlike strerror.
std::string errno_text(int err) {
  if (err == 0) return "unknown error";
  return std::error_code(err, std::generic_category()).message();
}

// An Errc::environment error with the one-line `message`.
Error environment(std::string message) { return make_error(Errc::environment, std::move(message)); }

// Owns a file descriptor and closes it.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

private:
  int m_fd = -1;
};

// Writes all of `data` to `fd` through `ops`, one call and then one more per short write; the
// cause when a call fails or writes nothing.
std::optional<std::string> write_all(FileOps& ops, int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    errno = 0;
    const ssize_t n = ops.write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      return errno_text(err);
    }
    if (n == 0) return std::string("short write");
    done += std::min(static_cast<size_t>(n), data.size() - done);
  }
  return std::nullopt;
}

// fsync through `ops`, retried on EINTR; 0 or the errno.
int sync_fd(FileOps& ops, int fd) {
  for (;;) {
    errno = 0;
    if (ops.fsync(fd) == 0) return 0;
    const int err = errno;
    if (err != EINTR) return err == 0 ? EIO : err;
  }
}

// Fsyncs the folder holding `path` so a created or renamed entry survives a crash. Best effort:
// some file systems refuse fsync on a directory, and the file's own data is already safe.
void sync_parent(FileOps& ops, const std::string& path) {
  const auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) (void)ops.fsync(fd.get());
}

// Reads a file line by line from the start through a fixed buffer, whatever the file's size.
class LineReader {
public:
  explicit LineReader(int fd) : m_fd(fd), m_buf(64 * 1024) {}

  // The next line into `line` without its '\n'; `complete` says whether a '\n' ended it. False at
  // the end of the file; an error carries the cause only.
  Result<bool> next(std::string& line, bool& complete) {
    line.clear();
    complete = false;
    for (;;) {
      if (m_pos == m_len) {
        const ssize_t n = ::pread(m_fd, m_buf.data(), m_buf.size(), m_offset);
        if (n < 0) {
          const int err = errno;
          if (err == EINTR) continue;
          return environment(errno_text(err));
        }
        if (n == 0) return !line.empty();
        m_offset += n;
        m_pos = 0;
        m_len = static_cast<size_t>(n);
      }
      const char* start = m_buf.data() + m_pos;
      const size_t avail = m_len - m_pos;
      const auto* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
      if (nl != nullptr) {
        const auto k = static_cast<size_t>(nl - start);
        line.append(start, k);
        m_pos += k + 1;
        complete = true;
        return true;
      }
      line.append(start, avail);
      m_pos = m_len;
    }
  }

private:
  int m_fd;
  std::vector<char> m_buf;
  off_t m_offset = 0;
  size_t m_pos = 0;
  size_t m_len = 0;
};

// What a first pass over an existing file found.
struct Scan {
  uint64_t records = 0;
  uint64_t last_seq = 0;
  uint64_t corrupt = 0;    // complete lines parse_line refuses (only counted when repairing)
  uint64_t good_end = 0;   // bytes up to and including the last '\n'
  uint64_t torn_bytes = 0; // bytes after it
};

// Reads every line of `fd` once: counts records, finds the torn tail, and refuses the first corrupt
// line unless `repair`.
Result<Scan> scan_file(int fd, const std::string& path, bool repair) {
  Scan scan;
  LineReader reader(fd);
  std::string line;
  bool complete = false;
  uint64_t number = 0;
  for (;;) {
    auto more = reader.next(line, complete);
    if (!more) return environment(fmt::format("cannot read {}: {}", path, more.error().message));
    if (!*more) break;
    ++number;
    if (!complete) {
      scan.torn_bytes = line.size();
      break;
    }
    auto record = parse_line(line);
    if (record) {
      ++scan.records;
      scan.last_seq = std::max(scan.last_seq, record->seq);
    } else if (!repair) {
      return make_error(Errc::input, fmt::format("{}:{}: {} (run with --repair to move it aside)", path, number,
                                                 record.error().message));
    } else {
      ++scan.corrupt;
    }
    scan.good_end += line.size() + 1;
  }
  return scan;
}

// Moves the lines parse_line refuses to PATH.rejected (appended) and replaces `path` with the
// others through a temporary file and a rename. `fd` is the old file, already without a torn tail.
Result<void> rewrite_without_corrupt(FileOps& ops, int fd, const std::string& path) {
  const std::string tmp_path = path + ".repair.tmp";
  const std::string rejected_path = path + ".rejected";
  Fd tmp(::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (tmp.get() < 0) return environment(fmt::format("cannot create {}: {}", tmp_path, errno_text(errno)));
  auto fail = [&](std::string message) {
    tmp.reset();
    ::unlink(tmp_path.c_str());
    return environment(std::move(message));
  };
  Fd rejected(::open(rejected_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (rejected.get() < 0) return fail(fmt::format("cannot open {}: {}", rejected_path, errno_text(errno)));

  LineReader reader(fd);
  std::string line;
  bool complete = false;
  for (;;) {
    auto more = reader.next(line, complete);
    if (!more) return fail(fmt::format("cannot read {}: {}", path, more.error().message));
    if (!*more) break;
    const bool good = complete && parse_line(line).ok();
    line.push_back('\n');
    if (auto err = write_all(ops, good ? tmp.get() : rejected.get(), line))
      return fail(fmt::format("cannot write {}: {}", good ? tmp_path : rejected_path, *err));
  }
  // The rejected lines are safe before the only other copy of them goes away.
  if (int err = sync_fd(ops, rejected.get()))
    return fail(fmt::format("cannot sync {}: {}", rejected_path, errno_text(err)));
  if (int err = sync_fd(ops, tmp.get())) return fail(fmt::format("cannot sync {}: {}", tmp_path, errno_text(err)));
  if (::rename(tmp_path.c_str(), path.c_str()) != 0)
    return fail(fmt::format("cannot replace {}: {}", path, errno_text(errno)));
  sync_parent(ops, path);
  return {};
}

// Opens `path` for reading and appending, creating it (mode 0600) when it does not exist.
Result<Fd> open_capture(const std::string& path, bool& created) {
  created = false;
  for (;;) {
    Fd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
    if (fd.get() >= 0) return fd;
    if (errno != ENOENT) break;
    fd = Fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() >= 0) {
      created = true;
      return fd;
    }
    // Someone else created it in between: open theirs.
    if (errno != EEXIST) break;
  }
  return environment(fmt::format("cannot open capture file {}: {}", path, errno_text(errno)));
}

// The fsync that covers a group of appended lines, and its outcome for everyone who waits on it.
struct SyncGroup {
  bool done = false;
  std::optional<Error> error;
};

// The Store over one open file descriptor.
class StoreImpl final : public Store {
public:
  StoreImpl(Fd fd, std::shared_ptr<FileOps> ops, const StoreOptions& options, const OpenReport& report, uint64_t size)
      : m_fd(std::move(fd)), m_ops(std::move(ops)), m_durability(options.durability),
        m_interval(options.batch_interval), m_report(report), m_size(size), m_synced_size(size),
        m_synced_seq(report.last_seq), m_next_seq(report.last_seq + 1) {
    if (m_durability == Durability::batch) m_thread = std::thread([this] { batch_loop(); });
  }

  StoreImpl(const StoreImpl&) = delete;
  StoreImpl& operator=(const StoreImpl&) = delete;

  ~StoreImpl() override {
    if (m_thread.joinable()) {
      {
        std::lock_guard lock(m_mutex);
        m_stop = true;
      }
      m_stop_cv.notify_all();
      m_thread.join();
    }
    if (m_durability == Durability::batch) {
      std::unique_lock lock(m_mutex);
      // Nobody is left to hear about a failure here; flush() first if it matters.
      if (dirty()) (void)sync(lock);
    }
  }

  const OpenReport& opened() const override { return m_report; }

  Result<uint64_t> append(Record& record) override {
    std::unique_lock lock(m_mutex);
    if (m_tail_dirty) {
      if (m_ops->ftruncate(m_fd.get(), static_cast<off_t>(m_size)) != 0)
        return environment(
            fmt::format("capture write failed: cannot remove an incomplete line: {}", errno_text(errno)));
      m_tail_dirty = false;
    }
    if (m_deferred) return take_deferred();
    const uint64_t seq = m_next_seq;
    record.seq = seq;
    const std::string line = to_line(record);
    if (auto err = write_all(*m_ops, m_fd.get(), line)) {
      // Whatever part of the line reached the file goes, so the file ends with a complete line.
      if (m_ops->ftruncate(m_fd.get(), static_cast<off_t>(m_size)) != 0) m_tail_dirty = true;
      return environment(fmt::format("capture write failed: {}", *err));
    }
    m_size += line.size();
    m_next_seq = seq + 1;
    if (!m_open) m_open = std::make_shared<SyncGroup>();
    if (m_durability != Durability::always) return seq;

    // Group commit: the first waiter with no fsync running syncs for every line written so far;
    // the others wait for the fsync that covers their line.
    const std::shared_ptr<SyncGroup> mine = m_open;
    while (!mine->done) {
      if (m_syncing)
        m_cv.wait(lock);
      else
        (void)sync(lock);
    }
    if (mine->error) return *mine->error;
    return seq;
  }

  Result<void> flush() override {
    std::unique_lock lock(m_mutex);
    // `none` leaves everything to the operating system, flush included.
    if (m_durability == Durability::none) return {};
    while (m_syncing) m_cv.wait(lock);
    Result<void> result;
    if (dirty()) result = sync(lock);
    if (result.ok() && m_deferred) result = take_deferred();
    return result;
  }

private:
  // Whether anything written is not known to be on disk.
  bool dirty() const { return m_open != nullptr || m_size != m_synced_size; }

  // The failure of a background fsync, handed out once.
  Error take_deferred() {
    Error e = std::move(*m_deferred);
    m_deferred.reset();
    return e;
  }

  // Fsyncs everything written so far with the mutex released, then settles the group it covered.
  // In `always` a failure also fails the lines written meanwhile and truncates back to the last
  // synced size, so only acknowledged lines stay and their seqs are reused. Needs the lock held
  // and no fsync running.
  Result<void> sync(std::unique_lock<std::mutex>& lock) {
    std::shared_ptr<SyncGroup> group = std::exchange(m_open, nullptr);
    if (!group) group = std::make_shared<SyncGroup>();
    const uint64_t size = m_size;
    const uint64_t last_seq = m_next_seq - 1;
    m_syncing = true;
    lock.unlock();
    const int err = sync_fd(*m_ops, m_fd.get());
    lock.lock();
    m_syncing = false;
    group->done = true;
    if (err == 0) {
      m_synced_size = size;
      m_synced_seq = last_seq;
    } else {
      group->error = environment(fmt::format("capture fsync failed: {}", errno_text(err)));
      if (m_durability == Durability::always) {
        if (m_open) {
          m_open->done = true;
          m_open->error = group->error;
          m_open.reset();
        }
        m_size = m_synced_size;
        m_next_seq = m_synced_seq + 1;
        if (m_ops->ftruncate(m_fd.get(), static_cast<off_t>(m_size)) != 0) m_tail_dirty = true;
      }
    }
    m_cv.notify_all();
    if (group->error) return *group->error;
    return {};
  }

  // `batch`: syncs every interval while there is unsynced data; a failure is reported by the next
  // append or flush, since the appends it covered have already returned.
  void batch_loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
      m_stop_cv.wait_for(lock, m_interval, [this] { return m_stop; });
      if (m_stop) break;
      if (dirty() && !m_syncing) {
        auto r = sync(lock);
        if (!r) m_deferred = r.error();
      }
    }
  }

  Fd m_fd;
  std::shared_ptr<FileOps> m_ops;
  Durability m_durability;
  std::chrono::milliseconds m_interval;
  OpenReport m_report;

  std::mutex m_mutex;
  std::condition_variable m_cv;      // an fsync finished
  std::condition_variable m_stop_cv; // the batch thread should stop
  uint64_t m_size;                   // bytes of complete, acknowledged-or-pending lines
  uint64_t m_synced_size;            // bytes known to be on disk
  uint64_t m_synced_seq;             // the last seq within m_synced_size
  uint64_t m_next_seq;
  std::shared_ptr<SyncGroup> m_open; // lines written since the last fsync started
  bool m_syncing = false;
  bool m_tail_dirty = false; // a truncation failed: the file may hold bytes past m_size
  std::optional<Error> m_deferred;
  bool m_stop = false;
  std::thread m_thread;
};

} // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path, const StoreOptions& options) {
  std::shared_ptr<FileOps> ops = options.ops ? options.ops : std::make_shared<FileOps>();
  OpenReport report;
  HOOKCTL_TRY_ASSIGN(Fd fd, open_capture(path, report.created));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return environment(fmt::format("cannot stat {}: {}", path, errno_text(errno)));
  if (!S_ISREG(st.st_mode))
    return environment(fmt::format("cannot use {} as a capture file: not a regular file", path));
  if (report.created && options.durability != Durability::none) sync_parent(*ops, path);

  HOOKCTL_TRY_ASSIGN(Scan scan, scan_file(fd.get(), path, options.repair));
  if (scan.torn_bytes > 0) {
    if (ops->ftruncate(fd.get(), static_cast<off_t>(scan.good_end)) != 0)
      return environment(fmt::format("cannot truncate the torn last line of {}: {}", path, errno_text(errno)));
  }
  uint64_t size = scan.good_end;
  if (scan.corrupt > 0) {
    HOOKCTL_TRY(rewrite_without_corrupt(*ops, fd.get(), path));
    bool ignored = false;
    HOOKCTL_TRY_ASSIGN(fd, open_capture(path, ignored));
    if (::fstat(fd.get(), &st) != 0) return environment(fmt::format("cannot stat {}: {}", path, errno_text(errno)));
    size = static_cast<uint64_t>(st.st_size);
  }
  report.records = scan.records;
  report.last_seq = scan.last_seq;
  report.torn_bytes = scan.torn_bytes;
  report.repaired = scan.corrupt;
  return std::unique_ptr<Store>(std::make_unique<StoreImpl>(std::move(fd), std::move(ops), options, report, size));
}

} // namespace hookctl::capture
