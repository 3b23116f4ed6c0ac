/// @file detection.hpp
/// @brief Object detection with the report's layers — §1.3's question "how can the model be
///        used for object detection in images?" (§4.3): a single-shot grid detector in the
///        spirit of YOLO v1 (Redmon et al. 2016), its loss and gradient, decoding, non-maximum
///        suppression, IoU and mean average precision.
///
/// **The grid idea.** A classifier maps an image to K class scores. A detector built from the
/// same convolution, batch-norm, ReLU and max-pool layers (§4.2) keeps the spatial layout: after
/// b blocks of 2×2 pooling a 64×64 image becomes an S×S map with S = 64/2^b, and a final 1×1
/// convolution gives every one of the S·S cells 5 + K numbers, a tensor P of shape
/// (R, 5 + K, S, S) in the report's (r, c, h, w) order. Cell (i, j) (row i, column j) answers:
/// "is there an object whose *centre* lies in me, where is its box, and which class is it?"
///
/// | channel c of P | meaning | decoded as |
/// |---|---|---|
/// | 0       | objectness logit | @f$p^o = \sigma(P_0)@f$ (Eq. (8)) — Eq. (D1) |
/// | 1, 2    | centre offset in the cell | @f$x = (j + \sigma(P_1))\,W_{img}/S@f$, @f$y = (i + \sigma(P_2))\,H_{img}/S@f$ — Eq. (D2) |
/// | 3, 4    | square root of the size | @f$w = \sigma(P_3)^2 W_{img}@f$, @f$h = \sigma(P_4)^2 H_{img}@f$ — Eq. (D3) |
/// | 5 … 4+K | class scores | @f$q_k = \mathrm{softmax}_k(P_{5..4+K})@f$ — Eq. (D4) |
///
/// The loss (Eq. (D6)) and its gradient (Eqs. (D7)–(D9)) are derived on the chapter page
/// @ref ch08_detection; every function cites the equation it implements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/data/boxes.hpp"
#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief One prediction of a detector: a box, a class and a score in [0, 1].
struct Detection {
  std::size_t image = 0;  ///< index of the image in its batch or evaluation set
  Box box;                ///< predicted box, pixels
  int label = 0;          ///< predicted class
  double score = 0;       ///< p^o · q_label, Eq. (D5)
};

// ---- the grid encoding ------------------------------------------------------------------------

/// @brief The training target of one cell: whether an object's centre falls in it and, if so,
///        the box in the cell's coordinates and the class (the symbols τ of Eq. (D6)).
struct CellTarget {
  bool object = false;  ///< 𝟙^obj: an object's centre lies in this cell
  double x = 0;         ///< τ_x: centre offset in the cell, in [0, 1)
  double y = 0;         ///< τ_y: centre offset in the cell, in [0, 1)
  double sqrt_w = 0;    ///< τ_w = √(w / W_img)
  double sqrt_h = 0;    ///< τ_h = √(h / H_img)
  int label = -1;       ///< c, the class (−1 when there is no object)
};

/// @brief The targets of a batch: R images × S × S cells, cell (r, i, j) at (r·S + i)·S + j.
struct GridTargets {
  std::size_t batch = 0;          ///< R
  std::size_t grid = 0;           ///< S
  std::vector<CellTarget> cells;  ///< R·S·S cells
  /// The cell (r, i, j).
  CellTarget& at(std::size_t r, std::size_t i, std::size_t j) { return cells[(r * grid + i) * grid + j]; }
  /// The cell (r, i, j).
  const CellTarget& at(std::size_t r, std::size_t i, std::size_t j) const {
    return cells[(r * grid + i) * grid + j];
  }
  /// Number of cells holding an object.
  std::size_t objects() const;
};

/// @brief Writes the targets of image r: the object whose centre (x, y) lies in cell
///        (i, j) = (⌊yS/H_img⌋, ⌊xS/W_img⌋) gets τ_x = xS/W_img − j, τ_y = yS/H_img − i,
///        τ_w = √(w/W_img), τ_h = √(h/H_img) and its class. Cells already reset by the caller.
///
/// One box per cell (as in YOLO v1): if two centres fall in one cell, the larger object is
/// kept as the target (the other is still a ground-truth object in evaluation, a miss the
/// detector cannot avoid); the number of such collisions is returned.
/// @param objects  the true boxes of the image
/// @param r        the image's index in the batch
/// @param image_w, image_h  W_img, H_img in pixels
/// @param targets  resized beforehand to R·S·S cells (see resize_targets())
/// @return the number of objects that lost their cell to a larger one
std::size_t encode_targets(const std::vector<LabeledBox>& objects, std::size_t r, double image_w, double image_h,
                           GridTargets& targets);

/// @brief Sets the size of `targets` to R·S·S cells and clears every cell (reuses the storage).
/// @param targets  the targets to reset
/// @param batch    R
/// @param grid     S
void resize_targets(GridTargets& targets, std::size_t batch, std::size_t grid);

// ---- the loss ---------------------------------------------------------------------------------

/// @brief The weights λ of the four parts of the loss, Eq. (D6).
struct DetectionLossWeights {
  double coord = 5.0;     ///< λ_coord: box regression (YOLO v1's value)
  double object = 1.0;    ///< λ_obj: objectness of cells with an object
  double noobject = 0.5;  ///< λ_noobj: objectness of empty cells (most cells are empty)
  double cls = 1.0;       ///< λ_cls: class cross-entropy
};

/// @brief The value of the loss and its four parts (each already weighted and divided by R).
struct DetectionLossParts {
  double total = 0;     ///< L of Eq. (D6) = object + noobject + box + cls
  double object = 0;    ///< λ_obj Σ 𝟙^obj ℓ_BCE(P_0, 1) / R
  double noobject = 0;  ///< λ_noobj Σ (1 − 𝟙^obj) ℓ_BCE(P_0, 0) / R
  double box = 0;       ///< λ_coord Σ 𝟙^obj Σ_m (σ(P_m) − τ_m)² / R
  double cls = 0;       ///< λ_cls Σ 𝟙^obj (−log q_c) / R
};

/// @brief The detection loss, Eq. (D6), and its gradient ∂L/∂P, Eqs. (D7)–(D10):
/// @f[ L = \frac{1}{R}\sum_{r}\sum_{i,j}\Big[\lambda_{obj}\mathbf{1}^{obj}\ell(P_0, 1)
///       + \lambda_{noobj}(1-\mathbf{1}^{obj})\,\ell(P_0, 0)
///       + \lambda_{coord}\mathbf{1}^{obj}\sum_{m=1}^{4}(\sigma(P_m)-\tau_m)^2
///       - \lambda_{cls}\mathbf{1}^{obj}\log q_c \Big] @f]
/// with @f$\ell(z, y) = \log(1 + e^{z}) - yz@f$ the binary cross-entropy of σ(z) (Eq. (8)).
/// @param P        the network's output, shape (R, 5 + K, S, S)
/// @param targets  R·S·S cell targets (grid S)
/// @param weights  the λ's
/// @param dP       receives ∂L/∂P, shape of P (resized only if its shape differs)
/// @return the loss and its parts
/// @throws shape_error naming the shape and Eq. (D6) if P is not (R, 5 + K, S, S) with K ≥ 1 and
///         R, S those of the targets, or a target label lies outside 0 … K − 1
template <class T>
DetectionLossParts detection_loss(const Tensor<T>& P, const GridTargets& targets, const DetectionLossWeights& weights,
                                  Tensor<T>& dP);

/// @brief The value of Eq. (D6) alone (for the finite-difference check and for evaluation).
/// @param P        the network's output, shape (R, 5 + K, S, S)
/// @param targets  R·S·S cell targets
/// @param weights  the λ's
template <class T>
DetectionLossParts detection_loss_value(const Tensor<T>& P, const GridTargets& targets,
                                        const DetectionLossWeights& weights);

// ---- decoding and non-maximum suppression -----------------------------------------------------

/// @brief Turns the network's output into detections, Eqs. (D1)–(D5): in every cell, for every
///        class k with score p^o·q_k ≥ `min_score`, one box.
/// @param P          the output, shape (R, 5 + K, S, S)
/// @param image_w, image_h  the input's size in pixels (boxes are returned in these pixels)
/// @param min_score  smallest score kept (small, e.g. 0.01, for mAP; larger for display)
/// @param first_image  added to the batch index r to give Detection::image
/// @param out        detections are appended here
template <class T>
void decode_detections(const Tensor<T>& P, double image_w, double image_h, double min_score, std::size_t first_image,
                       std::vector<Detection>& out);

/// @brief Greedy non-maximum suppression per image and per class: in order of decreasing score
///        (ties: earlier in the input first), a detection is kept unless its IoU (Eq. (D11)) with
///        an already kept detection of the same image and class exceeds `iou_threshold`.
/// @param detections     any order
/// @param iou_threshold  e.g. 0.45; a box overlapping a kept one by more is suppressed
/// @return the kept detections, by decreasing score
std::vector<Detection> non_max_suppression(std::vector<Detection> detections, double iou_threshold);

// ---- evaluation: precision, recall, average precision ----------------------------------------

/// @brief A precision–recall curve: one point per detection of the class, in order of
///        decreasing score.
struct PrecisionRecall {
  std::vector<double> recall;     ///< TP so far / number of true objects
  std::vector<double> precision;  ///< TP so far / detections so far
};

/// @brief Per-class average precision and their mean.
struct MeanAveragePrecision {
  double map = 0;                         ///< mean of ap over the classes with ≥ 1 true object
  std::vector<double> ap;                 ///< AP per class (NaN for a class without true objects)
  std::vector<std::size_t> positives;     ///< number of true objects per class
  std::vector<std::size_t> true_positives;  ///< detections matched at the threshold, per class
  std::vector<PrecisionRecall> curves;    ///< the precision–recall curve per class
};

/// @brief Average precision of one precision–recall curve, all-point interpolated (PASCAL VOC
///        2010 and later) — Eq. (D13):
/// @f[ \mathrm{AP} = \sum_{n} (\rho_{n} - \rho_{n-1})\, \max_{n' \ge n} \pi_{n'} ,\quad \rho_0 = 0 @f]
/// i.e. the area under the curve after every precision has been raised to the largest
/// precision at any recall at least as large.
/// @param curve  the points in order of decreasing score (recall non-decreasing)
double average_precision(const PrecisionRecall& curve);

/// @brief Mean average precision at an IoU threshold (mAP@0.5 for 0.5), per class then averaged.
///
/// Matching (PASCAL VOC): the detections of a class are taken by decreasing score (ties: input
/// order); each finds the true box of its image and class with the largest IoU (Eq. (D11));
/// if that IoU ≥ threshold and that box is not yet matched, it is a true positive and the box is
/// matched; otherwise (IoU too small, or the box already taken by a higher score) it is a false
/// positive. Precision and recall after each detection give the curve (Eq. (D12)), and
/// average_precision() its AP.
/// @param detections    every detection of every image (Detection::image indexes `truth`)
/// @param truth         truth[n] = the true objects of image n
/// @param num_classes   K
/// @param iou_threshold 0.5 for mAP@0.5
/// @throws std::invalid_argument if a detection names an image or class out of range
MeanAveragePrecision mean_average_precision(const std::vector<Detection>& detections,
                                            const std::vector<std::vector<LabeledBox>>& truth,
                                            std::size_t num_classes, double iou_threshold = 0.5);

// ---- the network ------------------------------------------------------------------------------

/// @brief The shape of a grid detector: b = log2(input/grid) blocks conv 3×3 (pad 1) – batch
///        norm – ReLU – max-pool 2×2, then one or more conv 3×3 – BN – ReLU at the grid's
///        resolution, then a 1×1 convolution to 5 + K channels. With stem_stride = 2 the first block's
///        convolution has stride 2 and no pooling (the same halving, at a quarter of the cost of
///        batch norm, ReLU and pooling at full resolution).
struct GridDetectorSpec {
  std::size_t stem_stride = 1;   ///< stride of the first convolution: 1 (then pool) or 2 (no pool)
  std::size_t in_channels = 1;   ///< C of the input (1 for gray)
  std::size_t input = 64;        ///< H = W of the input, a power-of-two multiple of grid
  std::size_t grid = 8;          ///< S
  std::size_t classes = 10;      ///< K
  /// Channels of every 3×3 convolution: the first b are followed by a halving (pooling, or the
  /// stem's stride), the rest (at least one) run at the grid's resolution.
  std::vector<std::size_t> widths{16, 32, 64, 64};
  /// "1x64x64 -> 16-32-64 | 64 -> (5+10)x8x8" ("|" marks the grid's resolution)
  std::string str() const;
};

/// @brief Builds the detector of `spec` from the report's layers (Conv2d, BatchNorm2d,
///        Activation(relu), MaxPool2d); output shape (R, 5 + K, S, S).
/// @param spec  the architecture
/// @param seed  seed of every initialisation
/// @throws std::invalid_argument if input/grid is not a power of two or widths has fewer than b + 1 values
template <class T>
Sequential<T> grid_detector(const GridDetectorSpec& spec, std::uint64_t seed);

}  // namespace nn
