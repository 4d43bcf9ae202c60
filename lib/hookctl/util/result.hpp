#pragma once
// A small `expected`-like result type: Debian 12 has no tl-expected and C++23 std::expected is
// not available in g++ 12.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace hookctl {

// What went wrong, coarse enough for the CLI to map to an exit code (see CLI.md).
enum class Errc {
  usage,       // a flag or value the user gave is wrong (exit 2)
  input,       // an input file or value is unreadable or malformed (exit 2)
  environment, // the machine refused: port, file system, TLS material (exit 3)
  negative,    // the check came out negative (exit 1)
  internal,    // a bug
};

// An error code with a one-line, user-facing message that never contains a secret.
struct Error {
  Errc code = Errc::internal;
  std::string message;
};

// Builds an `Error` of kind `code` with text `message`.
inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// Either a value of type `T` or an `Error`.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : m_v(std::move(value)) {}     // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {} // NOLINT(google-explicit-constructor)

  // True when a value is held.
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The held value; only valid when `ok()`.
  T& value() & {
    assert(ok());
    return std::get<0>(m_v);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(m_v);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(m_v));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The held error; only valid when `!ok()`.
  const Error& error() const {
    assert(!ok());
    return std::get<1>(m_v);
  }

private:
  std::variant<T, Error> m_v;
};

// The value-less result of an operation that can fail.
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {} // NOLINT(google-explicit-constructor)
  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const {
    assert(!m_ok);
    return m_error;
  }

private:
  Error m_error;
  bool m_ok = true;
};

} // namespace hookctl

// Returns the error of `expr` from the enclosing function when it failed.
#define HOOKCTL_TRY(expr)                                                                                              \
  do {                                                                                                                 \
    auto&& hookctl_try_r_ = (expr);                                                                                    \
    if (!hookctl_try_r_.ok()) return hookctl_try_r_.error();                                                           \
  } while (false)

#define HOOKCTL_CAT2_(a, b) a##b
#define HOOKCTL_CAT_(a, b) HOOKCTL_CAT2_(a, b)
// Declares `decl` from the value of `expr`, or returns its error from the enclosing function.
#define HOOKCTL_TRY_ASSIGN(decl, expr)                                                                                 \
  auto HOOKCTL_CAT_(hookctl_try_v_, __LINE__) = (expr);                                                                \
  if (!HOOKCTL_CAT_(hookctl_try_v_, __LINE__).ok()) return HOOKCTL_CAT_(hookctl_try_v_, __LINE__).error();             \
  decl = std::move(HOOKCTL_CAT_(hookctl_try_v_, __LINE__)).value()
