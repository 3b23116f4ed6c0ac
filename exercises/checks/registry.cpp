// The exercise registry (a function-local static, so registration order is safe).
#include "check.hpp"

namespace ex::check {

std::vector<Exercise>& registry() {
  static std::vector<Exercise> r;
  return r;
}

}  // namespace ex::check
