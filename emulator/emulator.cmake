# durable::emulator — the transport-free emulator of the durable execution service.
# Depends on the wire model only, never on the SDK: it has to judge the SDK, not share its bugs.
# No OpenSSL: its tokens' randomness comes from getrandom(2), so that the in-process runner's
# programs do not pay for loading libcrypto.
durable_cc_library(NAME emulator
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS
    src/clock.cpp
    src/function_names.cpp
    src/function_registry.cpp
    src/plain_call.cpp
    src/tokens.cpp
    src/operation_store.cpp
    src/history.cpp
    src/state_view.cpp
    src/timer_queue.cpp
    src/scheduler.cpp
    src/execution_lifecycle.cpp
    src/field_validation.cpp
    src/checkpoint_processor.cpp
    src/invocation_output.cpp
    src/operations/operation_processor.cpp
    src/operations/execution.cpp
    src/operations/step.cpp
    src/operations/wait.cpp
    src/operations/context.cpp
    src/operations/callback.cpp
    src/operations/chained_invoke.cpp
    src/store/memory_store.cpp
    src/store/stored_print.cpp
    src/service.cpp
    src/executor.cpp
    src/dispatcher.cpp
  PUBLIC_DEPS durable::model Threads::Threads)

# durable::emulator_sqlite — the SQLite ExecutionStore (durable-emulator --store). Separate, so
# the core emulator and the in-process runner never link SQLite; internal (not installed or
# exported): the durable-emulator tool links it in.
find_package(SQLite3 QUIET)
if(SQLite3_FOUND)
  add_library(durable_emulator_sqlite STATIC src/store/sqlite_store.cpp)
  add_library(durable::emulator_sqlite ALIAS durable_emulator_sqlite)
  target_compile_options(durable_emulator_sqlite PRIVATE ${DURABLE_WARNINGS})
  if(DURABLE_WERROR)
    target_compile_options(durable_emulator_sqlite PRIVATE -Werror)
  endif()
  target_link_libraries(durable_emulator_sqlite PUBLIC durable::emulator PRIVATE SQLite::SQLite3)
endif()

# durable::emulator_http — the emulator over HTTP (Lambda rest-json routes + Invoke). A separate
# target so the core emulator never links cpp-httplib; Debian's httplib is a compiled library,
# linked through pkg-config so its feature macros (and so its ABI) match.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(HTTPLIB IMPORTED_TARGET GLOBAL cpp-httplib)
endif()
if(TARGET PkgConfig::HTTPLIB)
  durable_cc_library(NAME emulator_http
    INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
    SRCS
      src/http/url_codec.cpp
      src/http/error_response.cpp
      src/http/request_guard.cpp
      src/http/request_threads.cpp
      src/http/front_end.cpp
      src/http/client_connection.cpp
      src/http/runtime_queue.cpp
      src/http/runtime_endpoint.cpp
      src/http/supervisor.cpp
      src/http/console_routes.cpp
      src/http/http_server.cpp
    PUBLIC_DEPS durable::emulator
    PRIVATE_DEPS PkgConfig::HTTPLIB spdlog::spdlog OpenSSL::Crypto)
endif()

# The web console's files (emulator/web), compiled into durable::emulator at build time by
# cmake/EmbedFiles.cmake: the HTTP server serves them, and durable::testing writes the timeline
# renderer into its HTML files.
set(DURABLE_CONSOLE_FILES index.html console.css console.js timeline.js)
set(DURABLE_CONSOLE_SOURCE ${CMAKE_CURRENT_BINARY_DIR}/console_assets_data.cpp)
list(TRANSFORM DURABLE_CONSOLE_FILES PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/web/
     OUTPUT_VARIABLE DURABLE_CONSOLE_PATHS)
list(JOIN DURABLE_CONSOLE_FILES "|" DURABLE_CONSOLE_LIST)
add_custom_command(OUTPUT ${DURABLE_CONSOLE_SOURCE}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${DURABLE_CONSOLE_SOURCE}
          -DBASE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/web -DFILES=${DURABLE_CONSOLE_LIST}
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  DEPENDS ${DURABLE_CONSOLE_PATHS} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  COMMENT "Embedding the web console's files"
  VERBATIM)
target_sources(durable_emulator PRIVATE src/console_assets.cpp ${DURABLE_CONSOLE_SOURCE})
