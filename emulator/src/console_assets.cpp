#include "durable/emulator/console_assets.hpp"

#include "embedded_files.hpp"

namespace durable::emulator {
namespace {

std::string_view content_type_of(std::string_view name) {
  const auto ends_with = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

ConsoleAsset to_asset(const detail::EmbeddedFile& file) {
  const std::string_view name(file.name);
  return ConsoleAsset{name, content_type_of(name),
                      std::string_view(reinterpret_cast<const char*>(file.bytes), file.size)};
}

}  // namespace

std::optional<ConsoleAsset> find_console_asset(std::string_view name) {
  for (std::size_t i = 0; i < detail::kEmbeddedFileCount; ++i) {
    if (name == detail::kEmbeddedFiles[i].name) return to_asset(detail::kEmbeddedFiles[i]);
  }
  return std::nullopt;
}

std::vector<ConsoleAsset> console_assets() {
  std::vector<ConsoleAsset> all;
  for (std::size_t i = 0; i < detail::kEmbeddedFileCount; ++i) {
    all.push_back(to_asset(detail::kEmbeddedFiles[i]));
  }
  return all;
}

}  // namespace durable::emulator
