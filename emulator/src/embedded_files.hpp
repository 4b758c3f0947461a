// The table cmake/EmbedFiles.cmake generates from emulator/web at build time: each file's bytes,
// compiled into the library (console_assets.cpp is the only reader).
#pragma once

#include <cstddef>

namespace durable::emulator::detail {

struct EmbeddedFile {
  const char* name;  // path relative to emulator/web, e.g. "timeline.js"
  const unsigned char* bytes;
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace durable::emulator::detail
