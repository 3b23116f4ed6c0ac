/// @file errors.hpp
/// @brief The library's exceptions: wrong shapes, bad data files, unfinished exercises.
///
/// Every error says what a student needs to fix it: a shape error names both shapes and the
/// equation whose rule they break, a data error names the file and the fault, and a missing
/// data set names the command that fetches it (design notes, "Errors").
#pragma once

#include <stdexcept>
#include <string>

namespace nn {

/// @brief Two tensors whose shapes do not fit the equation they are used in.
///
/// The message reads e.g. `Eq. (5) hadamard: shapes (2, 3) and (3, 2) must be equal`.
class shape_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// @brief A data file that is missing, truncated or malformed; the message names the file.
class data_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief Thrown by an exercise stub that the student has not completed yet.
///
/// The message names the exercise and its equations, e.g.
/// `Exercise 4.1 — sigmoid_prime, Eq. (11): not done yet`.
class not_done : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// @brief Text from a file as it may appear in a message: control characters (a NUL, a
///        terminal escape) become `\xNN`, and text longer than 200 bytes is cut with "…".
/// @param text  bytes read from a file
std::string printable(const std::string& text);

/// @brief Whether text from a file holds a control character (below 0x20, or 0x7f).
bool has_control_characters(const std::string& text);

/// @brief The message for a data set that is not on disk: what is missing and how to fetch it.
/// @param what  the missing file or folder
std::string missing_data_message(const std::string& what);

}  // namespace nn
