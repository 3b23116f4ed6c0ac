// Typical mistake: the sign function, −1 for negative x.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::sign {
double relu_prime(double x) { return x < 0 ? -1.0 : 1.0; }
}  // namespace ex::mistake::sign

EX_MISTAKE(relu_prime, sign,
           "your ReLU′ is −1 for x < 0, the derivative of |x| rather than of ReLU",
           "for x < 0 ReLU(x) = max(0, x) = 0 is constant, so its slope is 0 (Eq. (13)); −1 is the slope of |x|");
