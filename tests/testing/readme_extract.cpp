// Extracts the C++ examples of README.md into one translation unit, so that the build compiles
// them exactly as the README shows them (README code must compile; see tests/testing/CMakeLists).
//
//   readme_extract README.md out.cpp
//
// Every ```cpp block becomes part of out.cpp, behind a #line directive naming its README line so
// that a compile error points into the README. A block is placed at namespace scope, unless the
// line before its fence is `<!-- example: statements -->`: then it is the body of a function of
// its own (for snippets that show a few statements). A block whose fence follows a comment naming a
// source file (`<!-- tests/conformance/run_main_example.cpp -->`) is a whole program that its own
// test builds from that file and compares with the README, so it is left out here (its main()
// would clash with the other examples'). out.cpp starts with
// `#include "readme_prelude.hpp"`, which declares what the snippets assume (the reader's own
// types). Exits 1 with a message if the README cannot be read, or has no C++ block or an unclosed
// one.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// `<!-- some/path.cpp -->`: the README names the file the block is a verbatim copy of.
bool is_file_comment(const std::string& line) {
  const std::string open = "<!-- ", close = ".cpp -->";
  return line.size() > open.size() + close.size() && line.compare(0, open.size(), open) == 0 &&
         line.compare(line.size() - close.size(), close.size(), close) == 0 &&
         line.find(' ', open.size()) == line.size() - close.size() + 4;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: readme_extract README.md OUT.cpp\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "readme_extract: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::ostringstream out;
  out << "// Generated from " << argv[1] << " by readme_extract; do not edit.\n"
      << "#include \"readme_prelude.hpp\"\n";
  std::string line;
  std::string previous;
  std::size_t number = 0;
  std::size_t blocks = 0;
  bool in_block = false;
  bool statements = false;
  bool skipped = false;  // the current block is compiled elsewhere
  std::size_t block_start = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!in_block) {
      if (line == "```cpp" && is_file_comment(previous)) {
        in_block = true;
        skipped = true;
        block_start = number;
      } else if (line == "```cpp") {
        in_block = true;
        skipped = false;
        block_start = number;
        statements = previous == "<!-- example: statements -->";
        ++blocks;
        out << "\n";
        if (statements) out << "[[maybe_unused]] static void readme_example_" << blocks << "() {\n";
        out << "#line " << number + 1 << " \"" << argv[1] << "\"\n";
      }
    } else if (line == "```") {
      in_block = false;
      if (statements && !skipped) out << "}\n";
    } else if (!skipped) {
      out << line << "\n";
    }
    previous = line;
  }
  if (in_block) {
    std::cerr << "readme_extract: the ```cpp block at line " << block_start << " of " << argv[1]
              << " is not closed\n";
    return 1;
  }
  if (blocks == 0) {
    std::cerr << "readme_extract: no ```cpp block in " << argv[1] << "\n";
    return 1;
  }
  std::ofstream file(argv[2]);
  file << out.str();
  if (!file) {
    std::cerr << "readme_extract: cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
