# durable::testing — DurableRunner, the in-process harness over the emulator and the SDK.
# The harness ships gmock matchers, so it needs GTest even when this project's own tests are off.
if(NOT TARGET GTest::gmock)
  find_package(GTest REQUIRED)
endif()

durable_cc_library(NAME testing
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS
    src/callback_rule.cpp
    src/checkpoint_fault.cpp
    src/crash_explorer.cpp
    src/determinism_checker.cpp
    src/durable_runner.cpp
    src/in_process_checkpoint_client.cpp
    src/matchers.cpp
    src/plain_function_adapter.cpp
    src/step_crash_fault.cpp
    src/test_operation.cpp
    src/test_result.cpp
    src/timeline.cpp
    src/timeline_html.cpp
  PUBLIC_DEPS durable::sdk durable::emulator GTest::gmock)
