/// @file faces.hpp
/// @brief Face or not (§1.3): a small convolutional classifier of 24×24 windows, and the scan
///        that turns it into a face detector for whole photographs — every window of an image
///        pyramid scored at once by running the same network over the whole picture, then
///        non-maximum suppression.
///
/// **The classifier** (face_classifier()): b blocks conv (valid) – batch norm – ReLU – max-pool
/// 2×2, the first conv 5×5 and the rest 3×3, then a 1×1 conv to `hidden` channels, ReLU, and a
/// 1×1 conv to the two class scores (0 = non-face, 1 = face), flattened. With the default three
/// blocks a 24×24 window shrinks 24 → 20 → 10 → 8 → 4 → 2 → 1.
///
/// **Why no padding, and what it buys.** Every layer is either a valid convolution or a
/// non-overlapping pool, so the network applied to a larger picture (H, W) computes, at output
/// position (i, j), *exactly* what it computes for the 24×24 window whose top-left corner is at
/// (8j, 8i) — 8 = 2^b, the product of the pools' strides. One pass over the picture scores every
/// window on a grid of stride 8, sharing the convolutions of overlapping windows; passes over
/// the picture shifted by a few pixels fill in a finer grid (ScanOptions::stride). A test checks
/// the equality against windows cut one by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/apps/detection.hpp"
#include "nn/layer.hpp"

namespace nn {

/// @brief The shape of the face classifier.
struct FaceClassifierSpec {
  std::size_t window = 24;                     ///< input side
  std::vector<std::size_t> widths{8, 16, 32};  ///< channels of each conv block
  std::size_t hidden = 32;                     ///< channels of the 1×1 hidden layer
  /// The total stride of the pools, 2^blocks: the spacing of one scan pass's windows.
  std::size_t stride() const { return std::size_t(1) << widths.size(); }
  /// For example "window 24, blocks 8-16-32, hidden 32".
  std::string str() const;
};

/// @brief The classifier of the file comment, He-initialised from `seed`.
/// @throws std::invalid_argument if the window does not shrink to exactly 1×1 through the blocks
Sequential<float> face_classifier(const FaceClassifierSpec& spec, std::uint64_t seed);

/// @brief p(face) of each window of a batch (N, 1, window, window): the softmax of the two
///        scores; the network is switched to evaluation mode.
std::vector<double> face_probabilities(Sequential<float>& net, const Tensor<float>& X);

/// @brief How scan_faces() searches a picture.
struct ScanOptions {
  std::size_t window = 24;   ///< the classifier's input side
  std::size_t net_stride = 8;  ///< FaceClassifierSpec::stride()
  double min_face = 24;      ///< smallest face side searched, pixels of the picture
  double max_face = 0;       ///< largest (0: the picture's shorter side)
  double scale_step = 1.2;   ///< ratio of successive window sides in the pyramid
  std::size_t stride = 4;    ///< window spacing in pixels of each pyramid level (divides net_stride)
  double min_score = 0.5;    ///< keep windows with p(face) ≥ this
  double nms_iou = 0.3;      ///< non-maximum suppression threshold (nn::non_max_suppression())
  std::size_t max_candidates = 1000;  ///< the highest-scoring windows kept for suppression (its cost grows as their square)
  double max_inside = 0.6;   ///< drop a detection with more than this fraction of its area inside a better one
};

/// @brief Face detection by scanning: for window sides w = min_face, min_face·step, … up to
///        max_face, the picture is area-resampled by 24/w, the classifier runs over it at every
///        offset (dx, dy) ∈ {0, stride, …}², and each output position with p(face) ≥ min_score
///        becomes a Detection (label 0) whose box is its window mapped back to the picture. The
///        max_candidates best detections of all levels then go through non-maximum suppression,
///        and a detection that lies mostly inside a better one (more than max_inside of its area;
///        a nose-sized window inside a face, which IoU alone keeps) is dropped too.
/// @param net      the trained classifier
/// @param picture  shape (H, W), gray in [0, 1]
/// @param options  the search
/// @param image    the Detection::image to give the detections
/// @throws std::invalid_argument if stride does not divide net_stride or min_face < window
std::vector<Detection> scan_faces(Sequential<float>& net, const Tensor<float>& picture, const ScanOptions& options,
                                  std::size_t image = 0);

}  // namespace nn
