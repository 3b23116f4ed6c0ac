// The exercise checker: runs the check of every registered exercise against the linked
// exercise bodies, each in a child process of its own with a time limit, and prints one block
// per exercise as soon as it is known.
//
//   exercise_check                      status of all exercises
//   exercise_check --only a,b           just these
//   exercise_check --timeout 20         seconds each exercise may take (default 10)
//   exercise_check --list               the exercises, one per line
//   exercise_check --list-mistakes      the catalogued mistakes, one per line
//   exercise_check --run-one NAME       check one exercise in this process (for a debugger)
//
// For the tests:
//   --expect pass|not-done|wrong|crashed|timeout   exit 0 only if every selected exercise reports this
//   --expect-mistake NAME                          … and names this catalogued mistake
//   --as-mistake NAME                              check the catalogued mistake NAME instead of the
//                                                  linked function
//
// Exit status: 0 if every selected exercise passes (or reports what --expect asks for); 1 if
// any does not (NOT DONE, WRONG, CRASHED, TIMEOUT or ERROR); 2 for a usage error.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "check.hpp"
#include "nn/errors.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define EX_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EX_UNDER_ASAN 1
#endif
#endif

namespace {

using ex::check::Exercise;
using ex::check::Report;

std::set<std::string> split(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) if (!item.empty()) out.insert(item);
  return out;
}

// ---- the child: one exercise ------------------------------------------------------------------

Report check_one(const Exercise& e, const ex::check::RunOptions& o) {
  try {
    return e.run(o);
  } catch (const nn::not_done& err) {
    return Report{"not-done", "", {err.what()}};
  } catch (const std::exception& err) {
    return Report{"error", "", {std::string("the checker threw: ") + err.what()}};
  }
}

void write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += std::size_t(n);
  }
}

// The report as lines "status S", "mistake M", "line TEXT", ended by "end" so that the runner
// can tell a complete report from a child that died while writing.
std::string serialise(const Report& r) {
  std::string s = "status " + r.status + "\nmistake " + r.mistake + "\n";
  for (auto line : r.lines) {
    std::replace(line.begin(), line.end(), '\n', ' ');
    s += "line " + line + "\n";
  }
  return s + "end\n";
}

bool parse(const std::string& text, Report& r) {
  std::istringstream in(text);
  std::string line;
  bool ended = false;
  while (std::getline(in, line)) {
    if (line.rfind("status ", 0) == 0) r.status = line.substr(7);
    else if (line.rfind("mistake ", 0) == 0) r.mistake = line.substr(8);
    else if (line.rfind("line ", 0) == 0) r.lines.push_back(line.substr(5));
    else if (line == "end") ended = true;
  }
  return ended && !r.status.empty();
}

// ---- the runner: one child per exercise ------------------------------------------------------

struct ChildResult {
  Report report;
  bool complete = false;  // a whole report arrived
  bool timed_out = false;
  int wait_status = 0;
};

// The environment of a child: outside ASan, glibc's malloc checking (libc_malloc_debug) makes a
// write one past the end of a heap block fail at its free() instead of corrupting memory quietly.
void prepare_child_environment() {
#ifndef EX_UNDER_ASAN
  const char* lib = "/lib/x86_64-linux-gnu/libc_malloc_debug.so.0";
  if (::access(lib, R_OK) == 0) {
    std::string preload = lib;
    if (const char* old = std::getenv("LD_PRELOAD"); old && *old) preload += std::string(":") + old;
    std::string tunables = "glibc.malloc.check=3";
    if (const char* old = std::getenv("GLIBC_TUNABLES"); old && *old) tunables += std::string(":") + old;
    ::setenv("LD_PRELOAD", preload.c_str(), 1);
    ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
  }
#endif
}

ChildResult run_child(const std::string& self, const std::string& name, const std::string& as_mistake,
                      double timeout_s) {
  ChildResult out;
  int fds[2];
  if (::pipe(fds) != 0) {
    out.report = Report{"error", "", {std::string("pipe failed: ") + std::strerror(errno)}};
    out.complete = true;
    return out;
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    out.report = Report{"error", "", {std::string("fork failed: ") + std::strerror(errno)}};
    out.complete = true;
    ::close(fds[0]);
    ::close(fds[1]);
    return out;
  }
  if (pid == 0) {
    ::close(fds[0]);
    ::setenv("EX_CHECK_CHILD", "1", 1);
    prepare_child_environment();
    const std::string fd = std::to_string(fds[1]);
    std::vector<std::string> args = {self, "--run-one", name, "--result-fd", fd};
    if (!as_mistake.empty()) args.insert(args.end(), {"--as-mistake", as_mistake});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(self.c_str(), argv.data());
    std::fprintf(stderr, "exercise_check: cannot run %s: %s\n", self.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      out.timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, int(std::min<long long>(left.count(), 1000000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above ends the loop
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child finished (or died)
    text.append(buf, std::size_t(n));
  }
  ::close(fds[0]);
  if (out.timed_out) ::kill(pid, SIGKILL);
  while (::waitpid(pid, &out.wait_status, 0) < 0 && errno == EINTR) {
  }
  out.complete = parse(text, out.report);
  return out;
}

std::string signal_name(int sig) {
  const char* abbrev = sig == SIGSEGV ? "SIGSEGV" : sig == SIGABRT ? "SIGABRT" : sig == SIGBUS ? "SIGBUS"
                       : sig == SIGFPE ? "SIGFPE" : sig == SIGILL ? "SIGILL" : sig == SIGKILL ? "SIGKILL" : nullptr;
  const std::string what = ::strsignal(sig) ? ::strsignal(sig) : "unknown signal";
  return (abbrev ? std::string(abbrev) + ", " : "signal " + std::to_string(sig) + ", ") + what;
}

std::string crash_advice(int sig) {
  if (sig == SIGSEGV || sig == SIGBUS)
    return "Your code read or wrote memory it does not own: an index past the end of a tensor or a vector, "
           "or a vector that was never given a size.";
  if (sig == SIGABRT)
    return "Something called abort(): usually the C++ library caught an index out of range (the message "
           "above names it) or malloc found its memory overwritten by a write past the end of a block.";
  if (sig == SIGFPE) return "An integer division by zero (or a remainder by zero).";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::set<std::string> only;
  std::string expect = "pass", expect_mistake, as_mistake, run_one;
  int result_fd = -1;
  double timeout_s = 10;
  bool list = false, list_mistakes = false;
  auto usage = [&] {
    std::cerr << "usage: " << argv[0]
              << " [--only NAME[,NAME...]] [--timeout SECONDS] [--list] [--list-mistakes] [--run-one NAME]\n"
                 "       [--expect pass|not-done|wrong|crashed|timeout] [--expect-mistake NAME] [--as-mistake NAME]\n";
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--only" && has_value) {
      only = split(argv[++i]);
    } else if (a == "--expect" && has_value) {
      expect = argv[++i];
      if (expect != "pass" && expect != "not-done" && expect != "wrong" && expect != "crashed" && expect != "timeout") {
        std::cerr << "--expect takes pass, not-done, wrong, crashed or timeout\n";
        return 2;
      }
    } else if (a == "--expect-mistake" && has_value) {
      expect_mistake = argv[++i];
    } else if (a == "--as-mistake" && has_value) {
      as_mistake = argv[++i];
    } else if (a == "--timeout" && has_value) {
      char* end = nullptr;
      timeout_s = std::strtod(argv[++i], &end);
      if (!end || *end || !(timeout_s > 0 && timeout_s <= 3600)) {
        std::cerr << "--timeout takes a number of seconds in (0, 3600]\n";
        return 2;
      }
    } else if (a == "--run-one" && has_value) {
      run_one = argv[++i];
    } else if (a == "--result-fd" && has_value) {
      result_fd = std::atoi(argv[++i]);
    } else if (a == "--list") {
      list = true;
    } else if (a == "--list-mistakes") {
      list_mistakes = true;
    } else {
      return usage();
    }
  }
  auto& reg = ex::check::registry();
  // In the order of the chapters: §3 and §4 by section, then the applications of §1.3 last.
  auto chapter_order = [](const std::string& section) { return section.rfind("1.", 0) == 0 ? "9" + section : section; };
  std::stable_sort(reg.begin(), reg.end(),
                   [&](const auto& a, const auto& b) { return chapter_order(a.section) < chapter_order(b.section); });
  if (list || list_mistakes) {
    for (const auto& e : reg) {
      if (list) std::cout << e.name << "\n";
      if (list_mistakes)
        for (const auto& m : e.mistake_names()) std::cout << m << "\n";
    }
    return 0;
  }
  auto find = [&](const std::string& name) -> const Exercise* {
    for (const auto& e : reg)
      if (e.name == name) return &e;
    return nullptr;
  };

  if (!run_one.empty()) {  // the child (or a debugger session): one exercise, in this process
    if (result_fd < 0 && !std::getenv("EX_CHECK_CHILD")) {
      // Alone (e.g. under gdb): run again with the environment the runner gives its children,
      // so that a write past the end of a heap block fails here as it did there.
      ::setenv("EX_CHECK_CHILD", "1", 1);
      prepare_child_environment();
      ::execv("/proc/self/exe", argv);
    }
    std::setvbuf(stdout, nullptr, _IONBF, 0);  // a student's own prints survive a crash
    const Exercise* e = find(run_one);
    if (!e) {
      std::cerr << "no exercise named '" << run_one << "'; --list shows them\n";
      return 2;
    }
    const Report r = check_one(*e, ex::check::RunOptions{as_mistake});
    if (result_fd >= 0) {
      write_all(result_fd, serialise(r));
      ::close(result_fd);
    } else {
      std::cout << r.status << (r.mistake.empty() ? "" : "  (" + r.mistake + ")") << "\n";
      for (const auto& l : r.lines) std::cout << "  " << l << "\n";
    }
    return r.status == "pass" ? 0 : 1;
  }

  for (const auto& name : only)
    if (!find(name)) {
      std::cerr << "no exercise named '" << name << "'; --list shows them\n";
      return 2;
    }
  std::string self = argv[0];
  {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) self.assign(buf, std::size_t(n));
  }

  int selected = 0, as_expected = 0;
  std::map<std::string, int> counts;
  for (const auto& e : reg) {
    if (!only.empty() && !only.count(e.name)) continue;
    ++selected;
    const ChildResult c = run_child(self, e.name, as_mistake, timeout_s);
    std::string status = c.report.status;
    std::vector<std::string> lines = c.report.lines;
    if (c.timed_out) {
      status = "timeout";
      char secs[32];
      std::snprintf(secs, sizeof secs, "%g", timeout_s);
      lines = {std::string("No answer after ") + secs + " s, so the check was stopped. Is there a loop that never ends "
               "(a forgotten ++, a condition that never becomes false, an unsigned index counting down past 0)?"};
    } else if (WIFSIGNALED(c.wait_status)) {
      status = "crashed";
      const int sig = WTERMSIG(c.wait_status);
      lines = {"The check died of " + signal_name(sig) + "; any messages it printed are above."};
      if (!crash_advice(sig).empty()) lines.push_back(crash_advice(sig));
    } else if (!c.complete) {
      status = "crashed";
      lines = {"The check ended (exit status " + std::to_string(WIFEXITED(c.wait_status) ? WEXITSTATUS(c.wait_status) : -1) +
               ") before it reported: your code called exit(), or a sanitizer stopped it (its report, if any, is above)."};
    }
    if (status == "crashed" || status == "timeout")
      lines.push_back("Run it alone, in a debugger if you like: gdb --args " + self + " --run-one " + e.name);
    ++counts[status];
    bool ok = status == expect && (expect_mistake.empty() || c.report.mistake == expect_mistake);
    // An untouched stub must cite what the checker says it checks (one text, in two files).
    const std::string cites = "Exercise " + e.section + " — " + e.name + ", " + e.equations;
    if (status == "not-done" && expect == "not-done" &&
        (lines.empty() || lines.front().find(cites) == std::string::npos)) {
      ok = false;
      lines.push_back("the stub's message should contain \"" + cites + "\"");
    }
    if (ok) ++as_expected;
    const char* label = status == "pass"       ? "PASS    "
                        : status == "not-done" ? "NOT DONE"
                        : status == "wrong"    ? "WRONG   "
                        : status == "crashed"  ? "CRASHED "
                        : status == "timeout"  ? "TIMEOUT "
                                               : "ERROR   ";
    if (status == "crashed" || status == "timeout") std::cerr << std::endl;  // end a half-written message
    std::cout << label << "  " << e.section << "  " << e.name << "  (" << e.equations << ")";
    if (status == "not-done" && as_mistake.empty() && (expect != "not-done" || ok)) {  // one line each: the stub is untouched
      std::cout << "  edit exercises/stubs/" << e.name << ".cpp\n";
    } else if (status != "pass") {
      std::cout << "\n";
      for (const auto& l : lines) std::cout << "          " << l << "\n";
      if (!as_mistake.empty()) std::cout << "          (checked: the catalogued mistake " << as_mistake << ")\n";
      else std::cout << "          edit: exercises/stubs/" << e.name << ".cpp\n";
    } else {
      std::cout << "\n";
    }
    if (!expect_mistake.empty() && c.report.mistake != expect_mistake)
      std::cout << "          expected the typical mistake " << expect_mistake << " to be named, got "
                << (c.report.mistake.empty() ? "none" : c.report.mistake) << "\n";
    std::cout << std::flush;
  }
  std::cout << "\n" << counts["pass"] << " of " << selected << " exercises pass";
  std::string rest;
  for (const auto& [s, label] : std::vector<std::pair<std::string, std::string>>{
           {"not-done", "not done"}, {"wrong", "wrong"}, {"crashed", "crashed"}, {"timeout", "timed out"}, {"error", "error"}})
    if (counts[s]) rest += (rest.empty() ? "" : ", ") + std::to_string(counts[s]) + " " + label;
  if (!rest.empty()) std::cout << " (" << rest << ")";
  if (expect != "pass" || !expect_mistake.empty())
    std::cout << "; " << as_expected << " of " << selected << " report " << expect
              << (expect_mistake.empty() ? "" : " naming " + expect_mistake) << " as expected";
  std::cout << std::endl;
  if (selected == 0) {
    std::cerr << "no exercises selected\n";
    return 1;
  }
  return as_expected == selected ? 0 : 1;
}
