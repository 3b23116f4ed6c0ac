/// @file landscape.hpp
/// @brief Slices of the loss landscape L(θ) of a network, the report's Figure 3 for a real
///        network: a 1-D interpolation between two parameter vectors, a 2-D slice along two
///        random filter-normalised directions (Li, Xu, Taylor, Studer and Goldstein 2018,
///        "Visualizing the Loss Landscape of Neural Nets"), and a training path projected onto
///        that slice's plane.
///
/// θ is every learnable parameter of the network (Sequential::parameters(), in that order, each
/// tensor row-major) as one flat vector. Batch norm's running statistics are not part of θ:
/// every loss here is evaluate()'s, in evaluation mode, with the running statistics the network
/// holds when the function is called, so for a network without batch norm θ alone fixes L.
/// The loss is the mean softmax cross-entropy over a fixed set of examples.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

#include "nn/data/idx.hpp"
#include "nn/layer.hpp"

namespace nn {

/// @brief θ: every parameter of the network as one flat vector.
/// @param net  the network
std::vector<float> get_parameters(Sequential<float>& net);

/// @brief Writes θ back into the network's parameter tensors (the inverse of get_parameters).
/// @param net    the network
/// @param theta  a vector of Sequential::parameter_count() values
/// @throws std::invalid_argument if the length differs from the parameter count
void set_parameters(Sequential<float>& net, const std::vector<float>& theta);

/// @brief A random direction δ in parameter space, filter-normalised: each entry drawn from
///        N(0, 1), then each filter of δ scaled so that its norm equals the norm of the same
///        filter of the network's weights, ‖δ_f‖ = ‖θ_f‖ (Li et al. 2018, §4). The slice then
///        moves every filter by the same fraction of its size, which makes slices of networks
///        with differently scaled layers comparable (a ReLU network's function does not change
///        when a filter is scaled and the next layer divided, so raw directions mislead).
///
/// A filter is one output channel c′ of a rank-4 kernel (C′, C, k_H, k_W), and one output
/// neuron, a column j, of a rank-2 dense weight (n, m). Rank-1 tensors (biases, batch norm's γ
/// and β) get δ = 0, as Li et al. do: the slice moves the weights only.
/// @param net  the network (its current weights give the norms)
/// @param rng  the generator (the same seed gives the same direction)
std::vector<float> filter_normalized_direction(Sequential<float>& net, std::mt19937_64& rng);

/// @brief L(θ) on a data set: sets θ, then evaluate()'s mean loss (evaluation mode).
/// @param net    the network; left holding θ
/// @param theta  the parameters
/// @param ds     the fixed evaluation set
/// @param batch  evaluation batch size (only speed depends on it)
double loss_at(Sequential<float>& net, const std::vector<float>& theta, const Dataset& ds, std::size_t batch = 500);

/// @brief The 1-D interpolation L((1 − t) θ₀ + t θ₁) for each t (t outside [0, 1] extrapolates).
/// @param net     the network; its parameters are restored afterwards
/// @param theta0  θ₀, e.g. the initial weights
/// @param theta1  θ₁, e.g. the trained weights
/// @param ts      the values of t
/// @param ds      the fixed evaluation set
/// @param batch   evaluation batch size
/// @throws std::invalid_argument if θ₀ or θ₁ has the wrong length
std::vector<double> interpolate_losses(Sequential<float>& net, const std::vector<float>& theta0,
                                       const std::vector<float>& theta1, const std::vector<double>& ts,
                                       const Dataset& ds, std::size_t batch = 500);

/// @brief The 2-D slice L(θ* + a δ₁ + b δ₂) on a grid: entry [i][j] is at (as[i], bs[j]).
/// @param net     the network; its parameters are restored afterwards
/// @param center  θ*, e.g. the trained weights
/// @param d1      δ₁
/// @param d2      δ₂
/// @param as      the values of a
/// @param bs      the values of b
/// @param ds      the fixed evaluation set
/// @param batch   evaluation batch size
/// @throws std::invalid_argument if a vector has the wrong length
std::vector<std::vector<double>> loss_slice(Sequential<float>& net, const std::vector<float>& center,
                                            const std::vector<float>& d1, const std::vector<float>& d2,
                                            const std::vector<double>& as, const std::vector<double>& bs,
                                            const Dataset& ds, std::size_t batch = 500);

/// @brief Coordinates of parameter vectors in the plane θ* + a δ₁ + b δ₂.
struct PlaneCoordinates {
  std::vector<double> a;         ///< coefficient of δ₁ per point
  std::vector<double> b;         ///< coefficient of δ₂ per point
  std::vector<double> residual;  ///< ‖θ − θ* − a δ₁ − b δ₂‖ / ‖θ − θ*‖ (0 when θ = θ*)
};

/// @brief Projects points θ_k (e.g. θ after each epoch) onto the plane by least squares: (a, b)
///        minimise ‖θ_k − θ* − a δ₁ − b δ₂‖, from the 2 × 2 normal equations, since δ₁ and δ₂
///        are not exactly orthogonal. The residual says how much of θ_k − θ* lies outside the
///        plane (for random directions in many dimensions, nearly all of it).
/// @param path    the points θ_k
/// @param center  θ*
/// @param d1      δ₁
/// @param d2      δ₂
/// @throws std::invalid_argument if the lengths differ or δ₁ and δ₂ are (numerically) parallel
PlaneCoordinates project_onto_plane(const std::vector<std::vector<float>>& path, const std::vector<float>& center,
                                    const std::vector<float>& d1, const std::vector<float>& d2);

}  // namespace nn
