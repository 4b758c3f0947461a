// The web console's static files (emulator/web: the page, its script and style sheet, and the
// timeline renderer shared with TestResult::write_timeline_html), compiled into the emulator
// library at build time so that the console works offline and without files next to the binary.
//
// Thread-safety: the assets are immutable; any thread may call these at any time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace durable::emulator {

struct ConsoleAsset {
  std::string_view name;          // e.g. "index.html", "timeline.js"
  std::string_view content_type;  // from the extension, e.g. "text/javascript; charset=utf-8"
  std::string_view body;          // the file's bytes, valid for the life of the process
};

// The asset called exactly `name` (no directories, no normalisation), or std::nullopt.
std::optional<ConsoleAsset> find_console_asset(std::string_view name);
// Every asset, in the order the build embedded them.
std::vector<ConsoleAsset> console_assets();

}  // namespace durable::emulator
