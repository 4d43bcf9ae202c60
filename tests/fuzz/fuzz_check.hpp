#pragma once
// Shared helpers of the libFuzzer targets: a property check that aborts (so libFuzzer saves the
// input), and a test of whether a string_view points into the fuzzer's input.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

// Aborts with the failed property and its location when `cond` is false.
#define FUZZ_CHECK(cond)                                                                                               \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);                                 \
      std::abort();                                                                                                    \
    }                                                                                                                  \
  } while (false)

namespace fuzz {

// True when `part` lies inside `whole` (an empty view anywhere in or at the end of it counts).
inline bool within(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  auto p = reinterpret_cast<std::uintptr_t>(part.data());
  auto w = reinterpret_cast<std::uintptr_t>(whole.data());
  return p >= w && p + part.size() <= w + whole.size();
}

// The fuzzer's input as a string_view.
inline std::string_view as_view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace fuzz
