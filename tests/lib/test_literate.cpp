// The literate structure of the companion, checked on the sources themselves (design notes,
// "Reference and speed", "A map of the library"): every loop a page cites exists and is shown,
// every equation's tag has tests, the reference files hold only the maths, the includes run one
// way, and nothing points outside the repository.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = NN_SOURCE_DIR;

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE(f.good());
  std::ostringstream os;
  os << f.rdbuf();
  return os.str();
}

std::vector<fs::path> files_under(const fs::path& dir, const std::set<std::string>& extensions) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename() == "node_modules") {  // npm's, git-ignored
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && extensions.count(it->path().extension().string())) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> pages() { return files_under(kRoot / "docs", {".md"}); }

struct Snippet {
  std::string page, file, id;
};

/// Every `@snippet FILE ID` of the docs pages.
std::vector<Snippet> snippets() {
  std::vector<Snippet> out;
  const std::regex re(R"re((?:^|\n)[ \t]*@snippet[ \t]+(\S+)[ \t]+(\S+))re");  // a command on its own line
  for (const auto& p : pages()) {
    const std::string text = read(p);
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
      out.push_back({p.filename().string(), (*it)[1].str(), (*it)[2].str()});
  }
  return out;
}

/// The file a snippet names, looked up in the docs' example path (docs/Doxyfile.in).
fs::path example_file(const std::string& name) {
  for (const char* dir : {"chapters", "lib", "exercises", "tests"}) {
    const fs::path p = kRoot / dir / name;
    if (fs::exists(p)) return p;
  }
  return {};
}

/// How many lines of `text` are a marker comment `// [id]` or `//! [id]`.
int marker_lines(const std::string& text, const std::string& id) {
  std::istringstream is(text);
  std::string line;
  int n = 0;
  const std::regex re("^\\s*//!?\\s*\\[" + std::regex_replace(id, std::regex(R"re([\[\]().*+?^$|\\{}])re"), R"re(\$&)re") +
                      "\\]\\s*$");
  while (std::getline(is, line))
    if (std::regex_match(line, re)) ++n;
  return n;
}

/// The library's files that may hold markers: the reference files and the maths headers.
std::vector<fs::path> library_files() {
  std::vector<fs::path> out = files_under(kRoot / "lib", {".cpp", ".hpp"});
  return out;
}

}  // namespace

TEST_CASE("every snippet a page shows exists, between exactly two markers", "[docs][literate]") {
  const auto all = snippets();
  REQUIRE(all.size() > 40);
  for (const auto& s : all) {
    CAPTURE(s.page, s.file, s.id);
    const fs::path file = example_file(s.file);
    REQUIRE(!file.empty());
    CHECK(marker_lines(read(file), s.id) == 2);
  }
}

TEST_CASE("every marker in the library is shown on some page", "[docs][literate]") {
  std::set<std::string> shown;
  for (const auto& s : snippets()) shown.insert(s.id);
  const std::regex marker(R"re(^\s*//\s*\[([A-Za-z0-9_]+)\]\s*$)re");
  int markers = 0;
  for (const auto& f : library_files()) {
    std::istringstream is(read(f));
    std::string line;
    while (std::getline(is, line)) {
      std::smatch m;
      if (!std::regex_match(line, m, marker)) continue;
      ++markers;
      CAPTURE(f.string(), m[1].str());
      CHECK(shown.count(m[1].str()) == 1);
    }
  }
  CHECK(markers >= 2 * 30);  // at least 30 marked loops, each between two markers
}

TEST_CASE("the loops the pages show fit the text column: at most 80 characters a line", "[docs][literate]") {
  // 80 characters of 13-pixel code fill the text column of a 1280-pixel window (docs/theme)
  const std::regex marker(R"re(^\s*//\s*\[([A-Za-z0-9_]+)\]\s*$)re");
  for (const auto& f : library_files()) {
    std::istringstream is(read(f));
    std::string line;
    bool inside = false;
    for (int n = 1; std::getline(is, line); ++n) {
      if (std::regex_match(line, marker)) {
        inside = !inside;
        continue;
      }
      if (!inside) continue;
      // characters, not bytes: count every byte that does not continue a UTF-8 sequence
      const auto chars = std::count_if(line.begin(), line.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
      CAPTURE(f.string(), n, line);
      CHECK(chars <= 80);
    }
  }
}

TEST_CASE("chapter pages 3-7 show the library's own code", "[docs][literate]") {
  std::map<std::string, int> library_snippets;
  for (const auto& s : snippets())
    if (s.file.rfind("src/", 0) == 0 || s.file.rfind("include/", 0) == 0) ++library_snippets[s.page];
  for (const char* page : {"ch03_dense.md", "ch04_convolution.md", "ch05_activation_layer.md", "ch06_maxpool.md",
                           "ch07_batchnorm.md"}) {
    CAPTURE(page);
    CHECK(library_snippets[page] >= 2);
  }
}

TEST_CASE("the equations table: every loop it links is on a page, every tag has tests, 20+ loops",
          "[docs][literate]") {
  const std::string table = read(kRoot / "docs" / "equations.md");
  // the anchors the pages put before their library snippets
  std::set<std::string> anchors;
  const std::regex anchor_re(R"re(@anchor\s+(code_\S+)\s*\n[^\n]*\n@snippet\s+\S+\s+(\S+))re");
  for (const auto& p : pages()) {
    const std::string text = read(p);
    for (std::sregex_iterator it(text.begin(), text.end(), anchor_re), end; it != end; ++it) {
      CAPTURE(p.filename().string(), (*it)[1].str());
      CHECK((*it)[1].str() == "code_" + (*it)[2].str());  // the anchor names the loop it stands before
      anchors.insert((*it)[1].str());
    }
  }
  // every tag of every test case
  std::set<std::string> tags;
  const std::regex tag_re(R"re(\[(eq\d+)\])re");
  const std::regex case_re(R"re(TEST_CASE\(\s*"(?:[^"\\]|\\.)*"\s*,\s*"([^"]*)")re");
  for (const auto& f : files_under(kRoot / "tests" / "lib", {".cpp"})) {
    const std::string text = read(f);
    for (std::sregex_iterator it(text.begin(), text.end(), case_re), end; it != end; ++it) {
      const std::string t = (*it)[1].str();
      for (std::sregex_iterator jt(t.begin(), t.end(), tag_re), jend; jt != jend; ++jt) tags.insert((*jt)[1].str());
    }
  }
  // a row: | @anchor eqN (N) | equation | code | loop | tests |
  const std::regex row_re(R"re(\n\| @anchor eq(\d+) \((\d+)\) \|[^\n]*\| ([^|\n]*) \| ([^|\n]*) \|)re");
  std::set<int> rows, with_loop;
  for (std::sregex_iterator it(table.begin(), table.end(), row_re), end; it != end; ++it) {
    const int n = std::stoi((*it)[2].str());
    const std::string loop = (*it)[3].str(), tests = (*it)[4].str();
    CAPTURE(n, loop, tests);
    CHECK((*it)[1].str() == (*it)[2].str());  // the row's anchor names its own equation
    rows.insert(n);
    std::smatch m;
    if (std::regex_search(loop, m, std::regex(R"re(@ref (code_\S+))re"))) {
      CHECK(anchors.count(m[1].str()) == 1);
      with_loop.insert(n);
    }
    CHECK(tests.find("[eq" + std::to_string(n) + "]") != std::string::npos);
    CHECK(tags.count("eq" + std::to_string(n)) == 1);
  }
  REQUIRE(rows.size() == 63);
  CHECK(*rows.begin() == 1);
  CHECK(*rows.rbegin() == 63);
  CHECK(with_loop.size() >= 20);
}

TEST_CASE("the reference files hold the maths only: no OpenMP, intrinsics, vector types or builtins",
          "[docs][literate]") {
  const char* reference[] = {"dense.cpp", "conv2d.cpp", "activation_layer.cpp", "maxpool2d.cpp", "batchnorm.cpp",
                             "loss.cpp",  "tensor.cpp", "activations.cpp",      "output_size.cpp"};
  const char* forbidden[] = {"#pragma omp", "_Pragma", "omp.h", "__restrict", "__builtin_", "intrin.h",
                             "vector_size", "NN_OMP_SIMD", "#include \"kernels/"};
  for (const char* f : reference) {
    const std::string text = read(kRoot / "lib" / "src" / f);
    for (const char* word : forbidden) {
      CAPTURE(f, word);
      CHECK(text.find(word) == std::string::npos);
    }
  }
}

TEST_CASE("the library's includes run one way, down to the maths", "[docs][literate]") {
  // role of a file by its folder; a role may include only the roles listed for it
  auto role = [](const fs::path& p) -> std::string {
    const std::string s = p.generic_string();
    for (const char* r : {"kernels", "layers", "data", "apps", "tools", "web"})
      if (s.find(std::string("/") + r + "/") != std::string::npos) return r;
    return "maths";
  };
  const std::map<std::string, std::set<std::string>> allowed = {
      {"maths", {"maths"}},
      {"kernels", {"maths", "kernels"}},
      {"layers", {"maths", "kernels"}},
      {"tools", {"maths", "tools"}},
      {"data", {"maths", "tools", "data"}},
      {"apps", {"maths", "tools", "data", "apps"}},
      {"web", {"maths", "tools", "data", "apps"}},  // the pages' C API (lib/web/api.cpp)
  };
  const std::regex include_re(R"re(#include\s+"([^"]+)\")re");
  int checked = 0;
  for (const auto& f : library_files()) {
    const std::string text = read(f);
    for (std::sregex_iterator it(text.begin(), text.end(), include_re), end; it != end; ++it) {
      const std::string inc = (*it)[1].str();
      const std::string to = role(fs::path("/") / inc);
      CAPTURE(f.string(), inc);
      CHECK(allowed.at(role(f)).count(to) == 1);
      ++checked;
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("no file points outside the repository", "[docs][literate]") {
  // spelled in pieces so that this file does not find itself
  const std::vector<std::string> outside = {std::string("DES") + "IGN", std::string("STY") + "LE.md",
                                            std::string("../") + "shared", std::string("report") + "-sv"};
  std::vector<fs::path> files;
  for (const char* dir : {"lib", "chapters", "exercises", "tests", "docs", "scripts", "benchmarks", ".ci"}) {
    auto more = files_under(kRoot / dir, {".cpp", ".hpp", ".md", ".txt", ".cmake", ".sh", ".js", ".py", ".in", ".css", ""});
    files.insert(files.end(), more.begin(), more.end());
  }
  files.push_back(kRoot / "README.md");
  files.push_back(kRoot / "CMakeLists.txt");
  REQUIRE(files.size() > 100);
  for (const auto& f : files) {
    const std::string text = read(f);
    for (const auto& word : outside) {
      CAPTURE(f.string(), word);
      CHECK(text.find(word) == std::string::npos);
    }
  }
}

namespace {

/// The numbers that a page states in its prose and that look measured (accuracies, times,
/// rates, speed-ups, mAPs, errors), as "page:line: text" — outside code, formulas and the
/// {{PROGRAM:KEY}} placeholders that the docs build fills from the programs' .facts files.
std::vector<std::string> typed_measurements(const fs::path& page) {
  static const std::vector<std::regex> measured = {
      std::regex(R"(\d+(\.\d+)?\s?(%|percent|per cent))"),                         // 99.30 %
      std::regex(R"(\b\d+(\.\d+)?(\s?(ms|sec|min|minutes|seconds|hours)|\s(s|h))\b)"),  // 13.6 s
      std::regex(R"(\d+(\.\d+)?k?\s?(GFLOP/s|images/s|img/s))"),                  // 59 GFLOP/s
      std::regex(R"(\b\d+(\.\d+)?\s?(×|x\b|times faster)(?!\s?\d))"),                // 1.8× (not 28×28)
      std::regex(R"(\b0\.\d{3,})"),                                               // mAP 0.9489
      std::regex(R"(\b\d(\.\d+)?([eE](-|−)\d+|\s?·\s?10⁻))"),                       // 4.8e-9
  };
  // A stated constant of the code is not a measurement: "h = 1e-5", "tolerance 1e-7", "below".
  static const std::regex constant_before(
      R"((h\s*=|ε\s*=|eps\s*=|default|tolerance|threshold|thresholds|below|under|within|<|≤|at most|step)\s*(of\s*)?$)");
  std::vector<std::string> found;
  std::istringstream in(read(page));
  std::string line;
  bool code = false;
  for (int n = 1; std::getline(in, line); ++n) {
    static const std::regex fence(R"(^\s*(```|~~~|[@\\](code|endcode|verbatim|endverbatim)\b))");
    if (std::regex_search(line, fence)) {
      code = !code;
      continue;
    }
    static const std::regex command(R"(^\s*[@\\](snippet|image|verbinclude|include|anchor)\b)");
    if (code || std::regex_search(line, command)) continue;
    static const std::regex stripped(R"(`[^`]*`|\\f\$.*?\\f\$|\\f\[.*?\\f\]|\{\{[a-z0-9_]+:[a-z0-9_]+\}\}|<!--.*?-->)");
    line = std::regex_replace(line, stripped, " ");
    for (const auto& re : measured)
      for (auto it = std::sregex_iterator(line.begin(), line.end(), re); it != std::sregex_iterator(); ++it) {
        const std::string before = line.substr(0, static_cast<std::size_t>(it->position()));
        if (std::regex_search(before, constant_before)) continue;
        found.push_back(page.filename().string() + ":" + std::to_string(n) + ": '" + it->str() + "' in: " + line);
      }
  }
  return found;
}

}  // namespace

TEST_CASE("no page types a number that a program measures: it quotes {{PROGRAM:KEY}}", "[docs][numbers]") {
  // design_notes.md is the exception: its speed facts are benchmark records, each with the
  // command that measured it, not numbers of a program the main command runs.
  std::vector<std::string> found;
  int scanned = 0;
  for (const auto& page : pages()) {
    if (page.filename() == "design_notes.md") continue;
    ++scanned;
    const auto more = typed_measurements(page);
    found.insert(found.end(), more.begin(), more.end());
  }
  CHECK(scanned >= 15);
  std::string list;
  for (const auto& f : found) list += f + "\n";
  INFO("numbers typed into the pages (quote the program's fact instead, see nn::Facts):\n" << list);
  CHECK(found.empty());
}

TEST_CASE("the measured-number check finds typed numbers and passes quoted ones", "[docs][numbers]") {
  const fs::path page = fs::temp_directory_path() / "nn_numbers_check_page.md";
  {
    std::ofstream f(page);
    f << "LeNet-5 reaches 99.30 % in 13.6 s, at 1.8× PyTorch; mAP 0.9489; worst error 4.8e-9.\n"
         "Quoted: {{ch08_lenet_bn:test_accuracy}} %, shapes 28×28, h = 1e-5, tolerance 1e-7.\n"
         "```\n99.99 % inside code\n```\n"
         "Inline `12.5 s` and \\f$ 0.5\\% \\f$ are not prose.\n";
  }
  const auto found = typed_measurements(page);
  fs::remove(page);
  std::string list;
  for (const auto& f : found) list += f + "\n";
  INFO(list);
  CHECK(found.size() == 5);  // 99.30 %, 13.6 s, 1.8×, 0.9489, 4.8e-9 — and nothing on lines 2–6
}
