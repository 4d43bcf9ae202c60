#include "common.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "hookctl/sign/providers.hpp"
#include "hookctl/util/headers.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::app {

void add_key_flags(CLI::App* cmd, KeyFlags& flags, KeyUse use) {
  cmd->add_option("--secret", flags.secrets,
                  use == KeyUse::verify ? "Signing secret or token; repeat for rotation (any one may match)"
                                        : "Signing secret or token (repeat to sign with several, where the "
                                          "provider sends one signature per secret)")
      ->type_name("SECRET")
      ->group("Keys");
  cmd->add_option("--secret-file", flags.secret_file, "Read secrets from FILE, one per line")
      ->type_name("FILE")
      ->group("Keys");
  cmd->add_option("--private-key", flags.private_keys,
                  "Ed25519 signing key: 64 or 128 hex characters or whsk_...; @FILE reads it from a file")
      ->type_name("KEY")
      ->group("Keys");
  if (use == KeyUse::verify)
    cmd->add_option("--public-key", flags.public_keys,
                    "Ed25519 public key: 64 hex characters or whpk_...; @FILE reads it; repeatable")
        ->type_name("KEY")
        ->group("Keys");
}

namespace {

Result<std::string> key_value(const std::string& text) {
  if (text.starts_with("@")) {
    HOOKCTL_TRY_ASSIGN(std::string content, read_file(text.substr(1)));
    return std::string(util::trim(content.substr(0, content.find_last_not_of("\r\n") + 1)));
  }
  return text;
}

} // namespace

Result<sign::Keys> load_keys(const KeyFlags& flags) {
  sign::Keys keys;
  keys.secrets = flags.secrets;
  if (!flags.secret_file.empty()) {
    // The path is not repeated back: a secret typed after --secret-file by mistake would be.
    HOOKCTL_TRY_ASSIGN(std::string content, read_file(flags.secret_file, "the --secret-file file"));
    size_t before = keys.secrets.size();
    for (auto line : util::split(content, '\n')) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) keys.secrets.emplace_back(line);
    }
    if (keys.secrets.size() == before) return make_error(Errc::input, "the --secret-file file holds no secret");
  }
  for (const auto& s : keys.secrets)
    if (s.empty()) return make_error(Errc::usage, "a secret is empty (is the shell variable that should hold it set?)");
  for (const auto& k : flags.private_keys) {
    HOOKCTL_TRY_ASSIGN(std::string v, key_value(k));
    keys.private_keys.push_back(std::move(v));
  }
  for (const auto& k : flags.public_keys) {
    HOOKCTL_TRY_ASSIGN(std::string v, key_value(k));
    keys.public_keys.push_back(std::move(v));
  }
  return keys;
}

CLI::Option* add_provider_flag(CLI::App* cmd, std::string& provider, bool required) {
  std::vector<std::string> names;
  for (const auto& p : sign::providers()) names.emplace_back(p.name);
  auto* opt = cmd->add_option("-p,--provider", provider, "Signature scheme (see `hookctl providers`)")
                  ->check(CLI::IsMember(names))
                  ->type_name("PROVIDER");
  if (required) opt->required();
  return opt;
}

void add_hmac_flags(CLI::App* cmd, HmacFlags& f) {
  const char* group = "Generic hmac provider";
  cmd->add_option("--hmac-header", f.header, "Signature header name")->capture_default_str()->group(group);
  cmd->add_option("--hmac-algorithm", f.algorithm, "sha1, sha256 or sha512")
      ->check(CLI::IsMember({"sha1", "sha256", "sha512"}))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--hmac-encoding", f.encoding, "hex or base64")
      ->check(CLI::IsMember({"hex", "base64"}))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--hmac-prefix", f.prefix, "Text before the signature, e.g. sha256=")->group(group);
  cmd->add_option("--hmac-template", f.templ,
                  "Signed content over {id}, {timestamp}, {body}, {url}, {method}, e.g. {timestamp}.{body}")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--hmac-id-header", f.id_header, "Header carrying {id}")->capture_default_str()->group(group);
  cmd->add_option("--hmac-timestamp-header", f.timestamp_header, "Header carrying {timestamp}")
      ->capture_default_str()
      ->group(group);
}

Result<sign::SchemeOptions> scheme_options(const HmacFlags& f) {
  sign::SchemeOptions o;
  auto digest = crypto::digest_from_name(f.algorithm);
  if (!digest) return make_error(Errc::usage, fmt::format("--hmac-algorithm: unknown digest '{}'", f.algorithm));
  o.hmac.digest = *digest;
  if (f.encoding == "hex")
    o.hmac.encoding = sign::Encoding::hex;
  else if (f.encoding == "base64")
    o.hmac.encoding = sign::Encoding::base64;
  else
    return make_error(Errc::usage, fmt::format("--hmac-encoding: unknown encoding '{}'", f.encoding));
  if (f.header.empty()) return make_error(Errc::usage, "--hmac-header must not be empty");
  HOOKCTL_TRY(sign::parse_template(f.templ));
  o.hmac.header = f.header;
  o.hmac.prefix = f.prefix;
  o.hmac.templ = f.templ;
  o.hmac.id_header = f.id_header;
  o.hmac.timestamp_header = f.timestamp_header;
  return o;
}

Result<int64_t> time_or_now(const std::string& text, Context& ctx) {
  if (text.empty()) return ctx.now();
  return util::parse_unix_or_rfc3339(text);
}

Result<std::string> read_file(const std::string& path, std::string_view shown) {
  if (shown.empty()) shown = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return make_error(Errc::input, fmt::format("cannot read {}: it is a directory", shown));
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::input, fmt::format("cannot read {}: {}", shown, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(Errc::input, fmt::format("cannot read {}: read error", shown));
  return ss.str();
}

Result<std::string> read_data(const std::string& data, Context& ctx) {
  if (data == "@-") {
    std::ostringstream ss;
    ss << ctx.in->rdbuf();
    return ss.str();
  }
  if (data.starts_with("@")) return read_file(data.substr(1));
  return data;
}

Result<util::Headers> parse_header_args(const std::vector<std::string>& args) {
  // The argument itself is never echoed: a misplaced secret could be in it.
  util::Headers headers;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a.ends_with("\r\n")) a.remove_suffix(2);
    if (a.ends_with('\r') || a.ends_with('\n')) a.remove_suffix(1); // pasted from a CRLF dump
    size_t colon = a.find(':');
    std::string_view name = colon == std::string_view::npos ? std::string_view{} : util::trim(a.substr(0, colon));
    if (colon == std::string_view::npos || name.empty())
      return make_error(Errc::usage, fmt::format("-H #{} is not 'Name: value' ({})", i + 1,
                                                 colon == std::string_view::npos ? "no colon" : "empty name"));
    for (char c : name)
      if (c <= ' ' || c == 0x7f)
        return make_error(Errc::usage,
                          fmt::format("-H #{}: the header name contains a space or control character", i + 1));
    std::string_view value = util::trim(a.substr(colon + 1));
    if (!util::is_field_value(value))
      return make_error(Errc::usage, fmt::format("-H #{}: the value contains a line break or NUL", i + 1));
    headers.add(std::string(name), std::string(value));
  }
  return headers;
}

Result<void> check_field_value(std::string_view option, std::string_view value) {
  if (!util::is_field_value(value))
    return make_error(Errc::usage, fmt::format("{} contains a line break or NUL", option));
  return {};
}

int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string size_text(size_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024 * 1024));
}

std::string fresh_like(std::string_view v, const std::string& random) {
  const size_t keep = v.rfind('_') == std::string_view::npos ? 0 : v.rfind('_') + 1;
  const bool hex = v.substr(keep).find_first_not_of("0123456789abcdef-") == std::string_view::npos;
  std::string out(v);
  for (size_t i = keep; i < out.size(); ++i) {
    const auto r = static_cast<unsigned char>(random[i % random.size()]) ^ static_cast<unsigned char>(i * 31);
    const char c = out[i];
    if (c >= '0' && c <= '9')
      // A leading digit that was not 0 stays so: a JSON number (GitHub's repository.id) must not
      // gain a leading zero, which makes the body invalid.
      out[i] = i == keep && c != '0' ? static_cast<char>('1' + r % 9) : static_cast<char>('0' + r % 10);
    else if (hex && c >= 'a' && c <= 'f')
      out[i] = "0123456789abcdef"[r % 16];
    else if (c >= 'a' && c <= 'z')
      out[i] = static_cast<char>('a' + r % 26);
    else if (c >= 'A' && c <= 'Z')
      out[i] = static_cast<char>('A' + r % 26);
  }
  return out;
}

std::string redact(std::string text, std::vector<std::string> secrets) {
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& s : secrets)
    for (size_t at = s.empty() ? std::string::npos : text.find(s); at != std::string::npos; at = text.find(s, at + 3))
      text.replace(at, s.size(), "***");
  return text;
}

bool reveals_secret(std::string_view value, const std::vector<std::string>& secrets) {
  if (secrets.empty()) return true;
  return std::any_of(secrets.begin(), secrets.end(), [&](const std::string& s) {
    return !s.empty() && (value.find(s) != std::string_view::npos || (!value.empty() && s.starts_with(value)));
  });
}

std::string redact_raw_request(const std::string& bytes, const std::vector<std::string>& secrets) {
  const size_t blank = bytes.find("\r\n\r\n");
  const size_t head_size = blank == std::string::npos ? bytes.size() : blank;
  std::string out;
  size_t pos = 0;
  while (pos < head_size) {
    size_t eol = bytes.find("\r\n", pos);
    if (eol == std::string::npos || eol > head_size) eol = head_size;
    const std::string_view line(bytes.data() + pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && sign::is_secret_header(util::trim(line.substr(0, colon))) &&
        reveals_secret(util::trim(line.substr(colon + 1)), secrets))
      out += std::string(line.substr(0, colon + 1)) + " ***";
    else
      out += line;
    pos = eol;
    if (pos < head_size) {
      out += "\r\n";
      pos += 2;
    }
  }
  out += bytes.substr(head_size);
  return redact(std::move(out), secrets);
}

capture::Record sent_record(const http::Request& request, int64_t at_us, Context& ctx,
                            const std::vector<std::string>& secrets) {
  capture::Record r;
  r.id = capture::make_record_id(at_us / 1000, ctx.random(10));
  r.received_at = capture::format_received_at(at_us);
  auto url = http::parse_url(request.url);
  r.remote = url ? fmt::format("{}:{}", url->host, url->port) : "";
  r.method = request.method;
  const std::string target = url ? url->target : "/";
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  r.headers = request.headers;
  for (auto& [name, value] : r.headers.mutable_fields())
    if (sign::is_secret_header(name) && reveals_secret(value, secrets)) value = "***";
  r.body = request.body;
  return r;
}

std::string json_line(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
extern "C" void on_interrupt(int sig) {
  // A second Ctrl-C while the first one is still winding down quits at once (what is captured is
  // already in the file: records are written before their answers).
  if (g_interrupted.load() && sig == SIGINT) _exit(130);
  // isatty and write may set errno; the interrupted code may be about to read it (found by TSan).
  const int saved_errno = errno;
  g_signal.store(sig);
  g_interrupted.store(true);
  if (sig == SIGINT) {
    // On a terminal the ^C echo leaves the cursor mid-line: start a fresh one.
    static const char msg[] = "\nhookctl: stopping (Ctrl-C again to quit at once)\n";
    const size_t skip = ::isatty(STDERR_FILENO) ? 0 : 1;
    (void)!::write(STDERR_FILENO, msg + skip, sizeof msg - 1 - skip);
  }
  errno = saved_errno;
}
} // namespace

InterruptScope::InterruptScope() {
  g_interrupted.store(false);
  g_signal.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &m_old_int);
  sigaction(SIGTERM, &sa, &m_old_term);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &m_old_int, nullptr);
  sigaction(SIGTERM, &m_old_term, nullptr);
}

const std::atomic<bool>& InterruptScope::flag() const { return g_interrupted; }

int InterruptScope::signal() const { return g_signal.load(); }

} // namespace hookctl::app

namespace hookctl::app {

void add_retry_flags(CLI::App* cmd, RetryFlags& f) {
  const char* retry = "Retries";
  cmd->add_option("--retries", f.retries, "Retries after the first attempt (default 0, or the schedule's length)")
      ->check(CLI::Range(0, 1000))
      ->type_name("N")
      ->group(retry);
  f.backoff_option = cmd->add_option("--backoff", f.backoff, "Base of the exponential backoff (full jitter)")
                         ->capture_default_str()
                         ->type_name("DURATION")
                         ->group(retry);
  cmd->add_option("--backoff-max", f.backoff_max,
                  "Cap of the exponential backoff, and of Retry-After (not of a provider's schedule)")
      ->capture_default_str()
      ->type_name("DURATION")
      ->group(retry);
  cmd->add_option("--retry-schedule", f.schedule, "Play a provider's published schedule: standard, svix or stripe")
      ->check(CLI::IsMember({"standard", "svix", "stripe"}))
      ->type_name("NAME")
      ->group(retry);
  cmd->add_option("--time-scale", f.time_scale,
                  "Multiply every wait, e.g. 0.0001 plays Svix's 35-hour schedule in 13 s")
      ->type_name("FACTOR")
      ->group(retry);
}

Result<delivery::RetryPolicy> retry_policy(const RetryFlags& f) {
  delivery::RetryPolicy p;
  HOOKCTL_TRY_ASSIGN(p.base, util::parse_duration(f.backoff));
  HOOKCTL_TRY_ASSIGN(p.max, util::parse_duration(f.backoff_max));
  if (f.backoff_option && f.backoff_option->count() == 0 && p.base > p.max) p.base = p.max; // only the max was given
  if (!f.schedule.empty()) {
    HOOKCTL_TRY_ASSIGN(p.schedule, delivery::parse_schedule(f.schedule));
  }
  if (f.retries >= 0) p.retries = f.retries;
  if (!(f.time_scale > 0) || !std::isfinite(f.time_scale))
    return make_error(Errc::usage, "--time-scale must be a number above 0, such as 0.0001");
  p.time_scale = f.time_scale;
  HOOKCTL_TRY(delivery::check_policy(p));
  return p;
}

void add_connection_flags(CLI::App* cmd, ConnectionFlags& f) {
  const char* net = "Connection";
  cmd->add_option("--connect-timeout", f.connect_timeout, "Connect timeout")
      ->capture_default_str()
      ->type_name("DURATION")
      ->group(net);
  cmd->add_option("--timeout", f.timeout, "Timeout of each attempt, connect to last byte")
      ->capture_default_str()
      ->type_name("DURATION")
      ->group(net);
  cmd->add_flag("-k,--insecure", f.insecure, "Do not verify the server's TLS certificate")->group(net);
  cmd->add_option("--cacert", f.cacert, "Verify TLS against the CA certificates in FILE (PEM)")
      ->type_name("FILE")
      ->group(net);
}

Result<http::ClientOptions> client_options(const ConnectionFlags& f) {
  http::ClientOptions o;
  HOOKCTL_TRY_ASSIGN(o.connect_timeout, util::parse_duration(f.connect_timeout));
  HOOKCTL_TRY_ASSIGN(o.timeout, util::parse_duration(f.timeout));
  if (o.connect_timeout.count() <= 0 || o.timeout.count() <= 0)
    return make_error(Errc::usage, "--connect-timeout and --timeout must be above 0");
  o.insecure = f.insecure;
  if (!f.cacert.empty()) {
    HOOKCTL_TRY(read_file(f.cacert)); // unreadable: a usage error now rather than a TLS failure later
    o.ca_file = f.cacert;
  }
  return o;
}

bool show_progress(const Globals& g, const Context& ctx) {
  if (!ctx.stderr_tty || g.json || g.quiet) return false;
  const auto ci = ctx.getenv ? ctx.getenv("CI") : std::nullopt;
  return !ci || ci->empty() || *ci == "false" || *ci == "0";
}

bool use_color(const std::string& mode, bool no_color, bool tty, const Context& ctx) {
  if (no_color || mode == "never") return false;
  if (mode == "always") return true;
  auto env = [&](const char* name) { return ctx.getenv ? ctx.getenv(name) : std::nullopt; };
  if (auto v = env("NO_COLOR"); v && !v->empty()) return false;
  if (auto v = env("FORCE_COLOR"); v && !v->empty() && *v != "0") return true;
  if (auto t = env("TERM"); t && *t == "dumb") return false;
  return tty;
}

std::string paint(std::string_view text, Paint color, bool on) {
  if (!on) return std::string(text);
  const char* code = color == Paint::red ? "31" : color == Paint::green ? "32" : color == Paint::yellow ? "33" : "1";
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

} // namespace hookctl::app
