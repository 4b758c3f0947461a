# durable_package_lambda(<target>): after each build of executable <target>, writes
# <target>.zip next to it, ready to upload as a Lambda function on a provided.* (OS-only) runtime:
#
#   bootstrap            sh script: LD_LIBRARY_PATH=<dir>/lib, then exec bin/<target>
#   bin/<target>         the executable
#   lib/*.so*            every shared library ldd resolves for it, except glibc's own (libc,
#                        libm, libpthread, libdl, librt, libresolv, libutil, the loader, vdso),
#                        which the Lambda OS image provides and which must match its kernel ABI
#
# A library ldd cannot find fails the build (a zip that cannot start would fail only on Lambda).
# The zip is made with `zip` when installed (it keeps the executable bits Lambda needs), else
# with CMake's own archiver (`cmake -E tar --format=zip`), which keeps them too.
#
# This file is also the packaging script: the post-build step runs it with cmake -P.

if(CMAKE_SCRIPT_MODE_FILE)
  foreach(var DURABLE_PKG_BINARY DURABLE_PKG_NAME DURABLE_PKG_OUTPUT DURABLE_PKG_WORK)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
      message(FATAL_ERROR "DurablePackageLambda: ${var} is not set")
    endif()
  endforeach()
  if(NOT EXISTS "${DURABLE_PKG_BINARY}")
    message(FATAL_ERROR "DurablePackageLambda: no such binary: ${DURABLE_PKG_BINARY}")
  endif()

  file(REMOVE_RECURSE "${DURABLE_PKG_WORK}")
  file(MAKE_DIRECTORY "${DURABLE_PKG_WORK}/bin" "${DURABLE_PKG_WORK}/lib")
  file(COPY_FILE "${DURABLE_PKG_BINARY}" "${DURABLE_PKG_WORK}/bin/${DURABLE_PKG_NAME}")
  file(CHMOD "${DURABLE_PKG_WORK}/bin/${DURABLE_PKG_NAME}"
       PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                   WORLD_READ WORLD_EXECUTE)

  find_program(_ldd ldd REQUIRED)
  execute_process(COMMAND "${_ldd}" "${DURABLE_PKG_BINARY}"
                  OUTPUT_VARIABLE _deps RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "DurablePackageLambda: ldd ${DURABLE_PKG_BINARY} failed: ${_err}")
  endif()
  string(REPLACE "\n" ";" _lines "${_deps}")
  set(_provided "^(linux-vdso|linux-gate|ld-linux[^ ]*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libnsl|libanl)\\.so")
  foreach(_line IN LISTS _lines)
    string(STRIP "${_line}" _line)
    if(_line MATCHES "^([^ ]+) => not found")
      message(FATAL_ERROR "DurablePackageLambda: ${DURABLE_PKG_NAME} needs ${CMAKE_MATCH_1}, which ldd cannot find")
    endif()
    if(NOT _line MATCHES "^([^ ]+) => ([^ ]+) \\(")
      continue()
    endif()
    set(_soname "${CMAKE_MATCH_1}")
    set(_path "${CMAKE_MATCH_2}")
    if(_soname MATCHES "${_provided}")
      continue()
    endif()
    # COPY_FILE reads through symlinks, so lib/ holds real files under their sonames.
    file(COPY_FILE "${_path}" "${DURABLE_PKG_WORK}/lib/${_soname}")
  endforeach()

  file(WRITE "${DURABLE_PKG_WORK}/bootstrap"
"#!/bin/sh
# Written by durable_package_lambda: runs ${DURABLE_PKG_NAME} with the libraries packaged beside it.
here=\"$(cd \"$(dirname \"$0\")\" && pwd)\"
export LD_LIBRARY_PATH=\"$here/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\"
exec \"$here/bin/${DURABLE_PKG_NAME}\" \"$@\"
")
  file(CHMOD "${DURABLE_PKG_WORK}/bootstrap"
       PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                   WORLD_READ WORLD_EXECUTE)

  file(REMOVE "${DURABLE_PKG_OUTPUT}")
  find_program(_zip zip)
  if(_zip)
    execute_process(COMMAND "${_zip}" -q -r "${DURABLE_PKG_OUTPUT}" bootstrap bin lib
                    WORKING_DIRECTORY "${DURABLE_PKG_WORK}" RESULT_VARIABLE _rc)
  else()
    execute_process(COMMAND "${CMAKE_COMMAND}" -E tar cf "${DURABLE_PKG_OUTPUT}" --format=zip
                            bootstrap bin lib
                    WORKING_DIRECTORY "${DURABLE_PKG_WORK}" RESULT_VARIABLE _rc)
  endif()
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "DurablePackageLambda: could not write ${DURABLE_PKG_OUTPUT}")
  endif()
  return()
endif()

set(_DURABLE_PACKAGE_LAMBDA_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(durable_package_lambda target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "durable_package_lambda: ${target} is not a target")
  endif()
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "durable_package_lambda: ${target} is a ${_type}, not an executable")
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
      -DDURABLE_PKG_BINARY=$<TARGET_FILE:${target}>
      -DDURABLE_PKG_NAME=$<TARGET_FILE_NAME:${target}>
      -DDURABLE_PKG_OUTPUT=$<TARGET_FILE_DIR:${target}>/${target}.zip
      -DDURABLE_PKG_WORK=${CMAKE_CURRENT_BINARY_DIR}/${target}-lambda-package
      -P ${_DURABLE_PACKAGE_LAMBDA_SCRIPT}
    COMMENT "Packaging ${target} as a Lambda zip (bootstrap + bin/ + lib/)"
    VERBATIM)
endfunction()
