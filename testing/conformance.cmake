# durable::conformance — reads conformance requirement YAMLs, matches histories, results and logs
# the way the official runner does, and drives handlers through DurableRunner.
if(NOT TARGET durable_testing)
  message(STATUS "durable::conformance skipped: durable::testing is not defined")
  return()
endif()
find_package(yaml-cpp REQUIRED)

durable_cc_library(NAME conformance
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS
    src/conformance/yaml_json.cpp
    src/conformance/values.cpp
    src/conformance/bindings.cpp
    src/conformance/requirement.cpp
    src/conformance/history_matcher.cpp
    src/conformance/log_matcher.cpp
    src/conformance/callback_actions.cpp
    src/conformance/handler_registry.cpp
    src/conformance/durable_runner_backend.cpp
    src/conformance/driver.cpp
    src/conformance/run_main.cpp
    # Golden histories are conformance requirements, compared with the conformance matcher.
    src/golden_history.cpp
  PUBLIC_DEPS durable::testing
  PRIVATE_DEPS yaml-cpp)

# Over the Lambda API (durable-conformance --remote): only where durable::remote is built.
if(TARGET durable_remote)
  target_sources(durable_conformance PRIVATE src/conformance/remote_backend.cpp)
  target_link_libraries(durable_conformance PUBLIC durable::remote)
  target_compile_definitions(durable_conformance PRIVATE DURABLE_CONFORMANCE_REMOTE=1)
endif()
