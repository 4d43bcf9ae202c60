#include "hookctl/delivery/http_date.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::delivery {
namespace {

constexpr std::array<std::string_view, 7> k_day_names = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> k_long_day_names = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                              "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> k_month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr int64_t k_seconds_per_day = 86400;
// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the years an IMF-fixdate can hold.
constexpr int64_t k_min_unix = -62167219200;
constexpr int64_t k_max_unix = 253402300799;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> k_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : k_days.at(m - 1);
}

// A cursor over the date text; every `take_*` consumes only on success.
class Cursor {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  bool done() const { return m_pos == m_text.size(); }

  // Consumes `literal` (ASCII case ignored).
  bool take(std::string_view literal) {
    if (m_text.size() - m_pos < literal.size()) return false;
    if (!util::iequals(m_text.substr(m_pos, literal.size()), literal)) return false;
    m_pos += literal.size();
    return true;
  }

  // Consumes exactly `n` digits into `out`.
  bool take_digits(size_t n, int& out) {
    if (m_text.size() - m_pos < n) return false;
    int value = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = m_text[m_pos + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    out = value;
    m_pos += n;
    return true;
  }

  // Consumes one of `names` and gives its index; longer names are tried first by the caller's order.
  template <size_t N> bool take_name(const std::array<std::string_view, N>& names, unsigned& index) {
    for (size_t i = 0; i < N; ++i) {
      if (take(names.at(i))) {
        index = static_cast<unsigned>(i);
        return true;
      }
    }
    return false;
  }

private:
  std::string_view m_text;
  size_t m_pos = 0;
};

struct Fields {
  int64_t year = 0;
  unsigned month = 0; // 1..12
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// time-of-day = hour ":" minute ":" second (RFC 9110 section 5.6.7).
bool take_time(Cursor& c, Fields& f) {
  return c.take_digits(2, f.hour) && c.take(":") && c.take_digits(2, f.minute) && c.take(":") &&
         c.take_digits(2, f.second);
}

bool take_month(Cursor& c, Fields& f) {
  unsigned m = 0;
  if (!c.take_name(k_month_names, m)) return false;
  f.month = m + 1;
  return true;
}

// IMF-fixdate = day-name "," SP day SP month SP year SP time-of-day SP "GMT"
bool parse_imf_fixdate(std::string_view text, Fields& f) {
  Cursor c(text);
  unsigned ignored = 0;
  int year = 0;
  if (!(c.take_name(k_day_names, ignored) && c.take(", ") && c.take_digits(2, f.day) && c.take(" ") &&
        take_month(c, f) && c.take(" ") && c.take_digits(4, year) && c.take(" ") && take_time(c, f) && c.take(" GMT") &&
        c.done()))
    return false;
  f.year = year;
  return true;
}

// rfc850-date = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP "GMT"
bool parse_rfc850(std::string_view text, int64_t now_unix, Fields& f) {
  Cursor c(text);
  unsigned ignored = 0;
  int yy = 0;
  if (!(c.take_name(k_long_day_names, ignored) && c.take(", ") && c.take_digits(2, f.day) && c.take("-") &&
        take_month(c, f) && c.take("-") && c.take_digits(2, yy) && c.take(" ") && take_time(c, f) && c.take(" GMT") &&
        c.done()))
    return false;
  // RFC 9110 section 5.6.7: a two-digit year more than 50 years in the future means the most recent
  // past year with those digits; we pick the year within 50 years either side of now.
  const int64_t now_year = util::civil_from_days(floor_div(now_unix, k_seconds_per_day)).year;
  int64_t year = floor_div(now_year, 100) * 100 + yy;
  if (year > now_year + 50) year -= 100;
  if (year <= now_year - 50) year += 100;
  f.year = year;
  return true;
}

// asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
bool parse_asctime(std::string_view text, Fields& f) {
  Cursor c(text);
  unsigned ignored = 0;
  int year = 0;
  if (!(c.take_name(k_day_names, ignored) && c.take(" ") && take_month(c, f) && c.take(" "))) return false;
  if (!(c.take_digits(2, f.day) || (c.take(" ") && c.take_digits(1, f.day)))) return false;
  if (!(c.take(" ") && take_time(c, f) && c.take(" ") && c.take_digits(4, year) && c.done())) return false;
  f.year = year;
  return true;
}

std::optional<int64_t> to_unix(const Fields& f) {
  if (f.month < 1 || f.month > 12 || f.day < 1 || static_cast<unsigned>(f.day) > days_in_month(f.year, f.month))
    return std::nullopt;
  // second = 2DIGIT allows 60 for a leap second (RFC 9110 section 5.6.7); unix time folds it forward.
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  return util::days_from_civil(f.year, f.month, static_cast<unsigned>(f.day)) * k_seconds_per_day + f.hour * 3600 +
         f.minute * 60 + f.second;
}

} // namespace

std::optional<int64_t> parse_http_date(std::string_view text, int64_t now_unix) {
  // HTTP-date is case-sensitive (RFC 9110 section 5.6.7), but RFC 9111 section 4.2 lets caches
  // accept it leniently; a client waiting out Retry-After loses nothing by doing the same.
  std::string_view t = util::trim(text);
  Fields f;
  if (parse_imf_fixdate(t, f) || parse_rfc850(t, now_unix, f) || parse_asctime(t, f)) return to_unix(f);
  return std::nullopt;
}

std::string format_http_date(int64_t unix) {
  unix = std::clamp(unix, k_min_unix, k_max_unix);
  const int64_t days = floor_div(unix, k_seconds_per_day);
  const int64_t secs = unix - days * k_seconds_per_day;
  const util::Civil c = util::civil_from_days(days);
  // 1970-01-01 was a Thursday (index 3 from Monday).
  const auto weekday = static_cast<size_t>(((days % 7) + 7 + 3) % 7);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", k_day_names.at(weekday), c.day,
                     k_month_names.at(c.month - 1), c.year, secs / 3600, secs / 60 % 60, secs % 60);
}

} // namespace hookctl::delivery
