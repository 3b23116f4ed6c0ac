// The exercise checker: runs every registered check against the linked exercise bodies and
// prints one line per exercise with a hint for each that fails.
//
//   exercise_check                    status of all exercises (exit 0 only if all pass)
//   exercise_check --only a,b         just these
//   exercise_check --expect not-done  exit 0 only if every selected check reports NOT DONE
//   exercise_check --expect wrong     exit 0 only if every selected check reports WRONG
//   exercise_check --list             names, one per line
#include <algorithm>
#include <exception>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "check.hpp"
#include "nn/errors.hpp"

namespace {

std::set<std::string> split(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) if (!item.empty()) out.insert(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::set<std::string> only;
  std::string expect = "pass";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--only" && i + 1 < argc) {
      only = split(argv[++i]);
    } else if (a == "--expect" && i + 1 < argc) {
      expect = argv[++i];
      if (expect != "pass" && expect != "not-done" && expect != "wrong") {
        std::cerr << "--expect takes pass, not-done or wrong\n";
        return 2;
      }
    } else if (a == "--list") {
      for (const auto& e : ex::check::registry()) std::cout << e.name << "\n";
      return 0;
    } else {
      std::cerr << "usage: " << argv[0] << " [--only NAME[,NAME...]] [--expect pass|not-done|wrong] [--list]\n";
      return 2;
    }
  }
  auto& reg = ex::check::registry();
  std::stable_sort(reg.begin(), reg.end(), [](const auto& a, const auto& b) { return a.section < b.section; });
  for (const auto& name : only) {
    if (std::none_of(reg.begin(), reg.end(), [&](const auto& e) { return e.name == name; })) {
      std::cerr << "no exercise named '" << name << "'; --list shows them\n";
      return 2;
    }
  }

  int selected = 0, as_expected = 0, passed = 0;
  for (const auto& e : reg) {
    if (!only.empty() && !only.count(e.name)) continue;
    ++selected;
    std::string status, detail;
    try {
      e.check();
      status = "pass";
    } catch (const nn::not_done& err) {
      status = "not-done";
      detail = err.what();
    } catch (const ex::check::wrong& err) {
      status = "wrong";
      detail = err.what();
    } catch (const std::exception& err) {
      status = "error";
      detail = std::string("threw ") + err.what();
    }
    if (status == "pass") ++passed;
    if (status == expect) ++as_expected;
    const char* label = status == "pass" ? "PASS    " : status == "not-done" ? "NOT DONE" : status == "wrong" ? "WRONG   " : "ERROR   ";
    std::cout << label << "  " << e.section << "  " << e.name << "  (" << e.equations << ")\n";
    if (status != "pass") {
      std::cout << "          " << detail << "\n"
                << "          hint: " << e.hint << "\n"
                << "          edit: exercises/stubs/" << e.name << ".cpp\n";
    }
  }
  std::cout << "\n" << passed << " of " << selected << " exercises pass";
  if (expect != "pass") std::cout << "; " << as_expected << " of " << selected << " report " << expect << " as expected";
  std::cout << "\n";
  if (selected == 0) {
    std::cerr << "no exercises selected\n";
    return 1;
  }
  return as_expected == selected ? 0 : 1;
}
