# Fails when a public header cites a document (NAME.md) that does not ship in docs/.
#   cmake -DSOURCE_DIR=<repo> -P check_doc_citations.cmake
file(GLOB_RECURSE headers
  ${SOURCE_DIR}/sdk/include/*.hpp ${SOURCE_DIR}/testing/include/*.hpp
  ${SOURCE_DIR}/emulator/include/*.hpp)
set(missing "")
set(cited "")
foreach(header IN LISTS headers)
  file(READ ${header} text)
  string(REGEX MATCHALL "[A-Z][A-Z0-9-]*\\.md" names "${text}")
  foreach(name IN LISTS names)
    list(APPEND cited ${name})
    if(NOT EXISTS ${SOURCE_DIR}/docs/${name})
      file(RELATIVE_PATH rel ${SOURCE_DIR} ${header})
      list(APPEND missing "${rel} cites ${name}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES cited)
if(missing)
  list(JOIN missing "\n  " lines)
  message(FATAL_ERROR "public headers cite documents that are not in docs/:\n  ${lines}")
endif()
message(STATUS "every cited document ships in docs/: ${cited}")
