#pragma once
// Option groups and input helpers shared by several subcommands.

#include <atomic>
#include <csignal>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "hookctl/capture/record.hpp"
#include "hookctl/delivery/retry.hpp"
#include "hookctl/http/message.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::app {

// Options every command understands.
struct Globals {
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
  std::string color = "auto";    // --color auto|always|never
  std::string config;            // --config FILE (read by settings.cpp before the parse)
  std::string profile;           // --profile NAME (likewise)
  std::vector<std::string> args; // the command line as typed (config show reads it)
  bool color_out = false;        // the decision for stdout, set once the flags are parsed
  bool color_err = false;        // and for stderr
};

// Whether a stream gets colors: --color always/never (--no-color is never) decide; with auto,
// NO_COLOR (set and not empty) turns them off, FORCE_COLOR (set, not empty, not 0) on, and
// otherwise the stream must be a terminal and TERM not "dumb".
bool use_color(const std::string& mode, bool no_color, bool tty, const Context& ctx);

// Whether a progress line or bar may be drawn on stderr: a terminal, not --json, not --quiet, and
// not in CI (CI set, not empty, not "false" or "0").
bool show_progress(const Globals& g, const Context& ctx);

// `text` in a color for a terminal (red, green, yellow, bold) when `on`, else as is.
enum class Paint { red, green, yellow, bold };
std::string paint(std::string_view text, Paint color, bool on);

// What runs a parsed subcommand: an exit code (0 or 1), or an Error mapped by cli.cpp.
using Runner = std::function<Result<int>()>;

// A registered subcommand and its runner.
struct Command {
  CLI::App* app = nullptr;
  Runner run;
};

// Key options as typed: secrets, a secret file, Ed25519 keys.
struct KeyFlags {
  std::vector<std::string> secrets;
  std::string secret_file;
  std::vector<std::string> private_keys;
  std::vector<std::string> public_keys;
};

// Retry options as typed (`send`, `replay`).
struct RetryFlags {
  int retries = -1;
  std::string backoff = "1s";
  std::string backoff_max = "30s";
  std::string schedule;
  double time_scale = 1.0;
  CLI::Option* backoff_option = nullptr; // whether --backoff was given
};

// Registers --retries, --backoff, --backoff-max, --retry-schedule and --time-scale on `cmd`.
void add_retry_flags(CLI::App* cmd, RetryFlags& flags);

// The retry policy of `flags`; Errc::usage naming a bad flag.
Result<delivery::RetryPolicy> retry_policy(const RetryFlags& flags);

// Connection options as typed (`send`, `replay`).
struct ConnectionFlags {
  std::string connect_timeout = "5s";
  std::string timeout = "15s";
  bool insecure = false;
  std::string cacert;
};

// Registers --connect-timeout, --timeout, -k/--insecure and --cacert on `cmd`.
void add_connection_flags(CLI::App* cmd, ConnectionFlags& flags);

// The client options of `flags`; Errc::usage for a bad duration or an unreadable --cacert.
Result<http::ClientOptions> client_options(const ConnectionFlags& flags);

// Whether key options are registered for signing or for verifying.
enum class KeyUse { sign, verify };

// Registers --secret, --secret-file, --private-key (and --public-key for `KeyUse::verify`) on `cmd`.
void add_key_flags(CLI::App* cmd, KeyFlags& flags, KeyUse use);

// Resolves `flags` into key material, reading files; Errc::input when a file cannot be read.
Result<sign::Keys> load_keys(const KeyFlags& flags);

// Registers --provider on `cmd` (required unless `required` is false), checked against the table.
CLI::Option* add_provider_flag(CLI::App* cmd, std::string& provider, bool required = true);

// Options of the generic `hmac` provider as typed.
struct HmacFlags {
  std::string header = "X-Signature";
  std::string algorithm = "sha256";
  std::string encoding = "hex";
  std::string prefix;
  std::string templ = "{body}";
  std::string id_header = "X-Webhook-Id";
  std::string timestamp_header = "X-Webhook-Timestamp";
};

// Registers the --hmac-* options on `cmd`.
void add_hmac_flags(CLI::App* cmd, HmacFlags& flags);

// Scheme options from `flags`; Errc::usage on a bad algorithm, encoding or template.
Result<sign::SchemeOptions> scheme_options(const HmacFlags& flags);

// The body named by `--data`: the string itself, `@FILE` for a file's bytes, `@-` for stdin.
Result<std::string> read_data(const std::string& data, Context& ctx);

// Parses `-H 'Name: value'` arguments into headers; a trailing CR is dropped; Errc::usage on a
// missing colon, an empty or spaced name, or a line break in a value (the argument is not echoed).
Result<util::Headers> parse_header_args(const std::vector<std::string>& args);

// Routes SIGINT and SIGTERM to a flag while it lives (one at a time), then restores the previous
// handlers: long-running commands poll flag() and end with a summary.
class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  // Set once a signal arrived.
  const std::atomic<bool>& flag() const;
  // The signal that arrived (SIGINT or SIGTERM), 0 before one did.
  int signal() const;

private:
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

// The wall clock in unix microseconds (capture times; tests go through Context's clock instead).
int64_t unix_us();

// A byte count for people: "512 B", "1.2 KiB", "3.4 MiB".
std::string size_text(size_t n);

// `value` serialised as one line of JSON; invalid UTF-8 is replaced, never thrown on.
std::string json_line(const nlohmann::ordered_json& value);

// A fresh value shaped like `v` from `random` bytes (fuzz gives each delivery fresh event ids this
// way): the prefix up to its last '_' kept, then each digit, hex digit (in a hex-looking value) or
// letter replaced by a random one of its kind; a first digit that was not 0 stays not 0.
std::string fresh_like(std::string_view v, const std::string& random);

// `text` with every occurrence of each of `secrets` as "***", the longest secrets first (so that
// one inside another leaves nothing of it); empty secrets are skipped.
std::string redact(std::string text, std::vector<std::string> secrets);

// Whether a header value gives away one of `secrets`: it holds one, or it is the start of one (a
// line cut short); with no secrets, any value does.
bool reveals_secret(std::string_view value, const std::vector<std::string>& secrets);

// The bytes of an HTTP request written over a raw socket (fuzz --out .http files) with what gives
// a secret away as ***: the value of a header that carries the secret itself (GitLab's token) when
// it reveals one of `secrets`, even cut short where the bytes end, then every whole secret
// anywhere. Forged values that are no secret stay.
std::string redact_raw_request(const std::string& bytes, const std::vector<std::string>& secrets);

// A capture record of `request` as hookctl sent it at `at_us` (unix microseconds): a fresh id, the
// target's path and query, the request's headers and body, `remote` the host:port it went to
// (replay --output and fuzz --out write these). A header that carries the secret itself (GitLab's
// token) is "***" when its value reveals one of `secrets` (any value, when none are given); a
// forged value that is no secret stays, so that a fuzz finding replays as it was.
capture::Record sent_record(const http::Request& request, int64_t at_us, Context& ctx,
                            const std::vector<std::string>& secrets = {});

// The unix time `text` (seconds or RFC 3339), or the context's clock when `text` is empty.
Result<int64_t> time_or_now(const std::string& text, Context& ctx);

// Reads the whole file `path`; Errc::input naming the file (as `shown`, or the path when `shown` is
// empty) and the reason on failure. A directory is an error; FIFOs and /dev/stdin are read.
Result<std::string> read_file(const std::string& path, std::string_view shown = {});

// Errc::usage naming `option` when `value` cannot be a header field value (CR, LF or NUL in it).
Result<void> check_field_value(std::string_view option, std::string_view value);

} // namespace hookctl::app
