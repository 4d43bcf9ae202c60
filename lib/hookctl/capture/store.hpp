#pragma once
// The capture file: appends records durably (fsync modes, group commit), continues `seq` across
// runs, detects and repairs a torn last line, refuses corruption in the middle unless repairing.
// All file I/O goes through FileOps so tests can inject short writes, ENOSPC and fsync errors.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>

#include "hookctl/capture/record.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::capture {

// When appended records reach the disk.
enum class Durability {
  always, // fsync before append() returns; concurrent appends share one fsync (group commit)
  batch,  // a background thread fsyncs at least every 100 ms while there is unsynced data
  none,   // left to the operating system
};

// The parse of "always" | "batch" | "none"; Errc::usage otherwise.
Result<Durability> parse_durability(std::string_view text);
std::string_view durability_name(Durability d);

// The system calls the store makes; the default forwards to POSIX, tests override some.
class FileOps {
public:
  virtual ~FileOps() = default;
  virtual ssize_t write(int fd, const void* data, size_t size); // like ::write (may be short)
  virtual int fsync(int fd);                                    // like ::fsync
  virtual int ftruncate(int fd, off_t size);                    // like ::ftruncate
};

// What opening found, for the banner and the log.
struct OpenReport {
  uint64_t records = 0;    // valid records already in the file
  uint64_t last_seq = 0;   // the highest seq among them (appends continue after it)
  bool created = false;    // the file did not exist
  uint64_t torn_bytes = 0; // bytes of a torn last line that were truncated (0: none)
  uint64_t repaired = 0;   // corrupt lines moved to FILE.rejected by --repair
};

struct StoreOptions {
  Durability durability = Durability::always;
  bool repair = false; // move corrupt middle lines to PATH.rejected instead of refusing
  std::chrono::milliseconds batch_interval{100};
  std::shared_ptr<FileOps> ops; // null: the real system calls
};

class Store {
public:
  // Opens (creating, mode 0600) `path` for appending. Scans it line by line in constant memory: a
  // last line without '\n' is torn (a crash mid-write): reported in OpenReport and truncated. A
  // line in the middle that parse_line rejects is Errc::input "PATH:LINE: reason (run with
  // --repair to move it aside)" unless options.repair. Errc::environment when the file cannot be
  // opened, read or truncated, naming the path and the cause.
  static Result<std::unique_ptr<Store>> open(const std::string& path, const StoreOptions& options);

  virtual ~Store() = default;
  virtual const OpenReport& opened() const = 0;

  // Sets record.seq to the next number and appends to_line(record) in one write, durable as the
  // mode says before it returns; thread-safe. On a failed or short write, or a failed fsync in
  // `always`, it returns Errc::environment naming the cause ("capture write failed: No space left
  // on device") and the file is truncated back to the last complete line, so no torn or
  // unacknowledged line stays; the seq is not used up, and later appends try again.
  virtual Result<uint64_t> append(Record& record) = 0;

  // Fsyncs whatever is unsynced (at shutdown, and for `batch`); thread-safe.
  virtual Result<void> flush() = 0;
};

} // namespace hookctl::capture
