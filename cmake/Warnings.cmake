# hookctl_warnings: the warning set every first-party target builds with.
add_library(hookctl_warnings INTERFACE)
target_compile_options(hookctl_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
option(HOOKCTL_WERROR "Treat warnings as errors" OFF)
if(HOOKCTL_WERROR)
  target_compile_options(hookctl_warnings INTERFACE -Werror)
endif()
