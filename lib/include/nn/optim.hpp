/// @file optim.hpp
/// @brief Gradient descent — report §4.1.2, Eq. (20) — with momentum and Adam, and
///        learning-rate schedules.
///
/// The draft's Eq. (20) reads @f$\theta^{(n)} \to \theta^{(n)} - \alpha\, \partial L/\partial \theta^{(l)}@f$,
/// mixing the indices n and l (@ref errata_ch03). Every parameter uses its own gradient:
/// @f[ \theta^{(l)} \leftarrow \theta^{(l)} - \alpha \frac{\partial L(\theta)}{\partial \theta^{(l)}} @f]
/// The optimizers act on the {value, gradient} pairs that nn::Sequential::parameters() lists,
/// reading the gradients that the last backward() wrote (they are overwritten, not summed, by
/// each backward; see layer.hpp).
#pragma once

#include <cstddef>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Eq. (20) on one tensor: @f$\theta \leftarrow \theta - \alpha\,g@f$.
/// @param theta     the parameter, updated in place
/// @param gradient  ∂L/∂θ, same shape
/// @param alpha     the learning rate α
/// @throws shape_error naming both shapes and Eq. (20) if they differ
template <class T>
void sgd_step(Tensor<T>& theta, const Tensor<T>& gradient, T alpha);

/// @brief Common interface of the optimizers.
template <class T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// @brief One update of every parameter from its current gradient.
  /// @param params  the parameters, in the same order at every call (state is kept per position)
  virtual void step(const std::vector<Parameter<T>>& params) = 0;
  /// @brief The learning rate α.
  double learning_rate() const { return lr_; }
  /// @brief Changes α (for a schedule).
  /// @param lr  the new learning rate
  void set_learning_rate(double lr) { lr_ = lr; }

 protected:
  /// @param lr  the learning rate α
  explicit Optimizer(double lr) : lr_(lr) {}
  double lr_;  ///< the learning rate α
};

/// @brief Stochastic gradient descent, Eq. (20), optionally with momentum μ:
///        @f$v \leftarrow \mu v + g,\ \theta \leftarrow \theta - \alpha v@f$ (v starts at 0;
///        μ = 0 is plain Eq. (20)).
template <class T>
class SGD final : public Optimizer<T> {
 public:
  /// @param lr        the learning rate α
  /// @param momentum  μ in [0, 1); 0 for plain SGD
  explicit SGD(double lr, double momentum = 0.0);
  /// @copydoc Optimizer::step
  void step(const std::vector<Parameter<T>>& params) override;

 private:
  double momentum_;
  std::vector<Tensor<T>> velocity_;
};

/// @brief Adam (Kingma & Ba 2015): with t the step number (from 1),
///        @f$m \leftarrow \beta_1 m + (1-\beta_1) g@f$, @f$v \leftarrow \beta_2 v + (1-\beta_2) g^2@f$,
///        @f$\theta \leftarrow \theta - \alpha\, \frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon}@f$.
template <class T>
class Adam final : public Optimizer<T> {
 public:
  /// @param lr       the learning rate α
  /// @param beta1    decay of the first moment m
  /// @param beta2    decay of the second moment v
  /// @param epsilon  keeps the denominator away from 0
  explicit Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);
  /// @copydoc Optimizer::step
  void step(const std::vector<Parameter<T>>& params) override;
  /// @brief The number of steps taken so far (t).
  std::size_t steps() const { return t_; }

 private:
  double beta1_, beta2_, epsilon_;
  std::size_t t_ = 0;
  std::vector<Tensor<T>> m_, v_;
};

/// @brief Step decay: @f$\alpha_0 \gamma^{\lfloor \text{epoch}/\text{every} \rfloor}@f$.
/// @param lr0    the initial learning rate α₀
/// @param epoch  the current epoch (from 0)
/// @param every  epochs between decays (> 0)
/// @param gamma  the factor per decay, e.g. 0.1
double step_decay(double lr0, std::size_t epoch, std::size_t every, double gamma);

/// @brief Cosine annealing: @f$\alpha_{\min} + \frac{1}{2}(\alpha_0-\alpha_{\min})(1+\cos(\pi t/T))@f$,
///        and α_min for t ≥ T.
/// @param lr0     the initial learning rate α₀ (at t = 0)
/// @param t       the current step or epoch
/// @param total   T, the step at which α reaches α_min (> 0)
/// @param lr_min  the final learning rate
double cosine_schedule(double lr0, std::size_t t, std::size_t total, double lr_min = 0.0);

extern template class SGD<float>;
extern template class SGD<double>;
extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace nn
