# hookctl_warnings: the warning set every first-party target builds with.
add_library(hookctl_warnings INTERFACE)
target_compile_options(hookctl_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
option(HOOKCTL_WERROR "Treat warnings as errors" OFF)
if(HOOKCTL_WERROR)
  target_compile_options(hookctl_warnings INTERFACE -Werror)
endif()
# Sanitizer instrumentation makes g++ 12's flow analysis report paths that cannot happen (a null
# std::string data pointer, an int assigned on every path): those two stay errors in the normal
# build, where they mean something, and are off in the sanitizer builds.
if(HOOKCTL_SANITIZE OR HOOKCTL_TSAN)
  target_compile_options(hookctl_warnings INTERFACE -Wno-null-dereference -Wno-maybe-uninitialized)
endif()
