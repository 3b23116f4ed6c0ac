// Typical mistake: a forward difference (Eq. (21)) where the central one is asked.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::forward {
double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x)) / h;
}
}  // namespace ex::mistake::forward

EX_MISTAKE(central_difference, forward,
           "your quotient is the forward difference (f(x + h) − f(x))/h of Eq. (21)",
           "it is a valid approximation, but of first order: its error h·f″/2 halves when h halves, where the central quotient's f‴h²/6 falls by 4; the exercise asks for the central one");
