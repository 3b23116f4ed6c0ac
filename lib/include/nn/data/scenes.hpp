/// @file scenes.hpp
/// @brief Scenes for object detection (§1.3, §4.3): real MNIST digits placed at random sizes
///        and positions on a canvas, with their true boxes and classes — the "objects" on which
///        the grid detector of detection.hpp is trained and measured.
///
/// No object-detection data set is reachable offline, so scenes are composed from the digits
/// the companion already has: training scenes from the training split, test scenes from the
/// held-out split, so that a test scene never shows a digit seen in training.
///
/// **One scene** (make_scene()): draw the number of objects n uniformly in
/// [min_objects, max_objects]; for each, pick a digit at random, crop it to its ink (pixels
/// above ink_threshold), resample it with nn::resize_area so that its longer side is a size drawn
/// uniformly in [min_scale, max_scale] pixels (aspect ratio kept), and try up to max_attempts
/// random positions until its box overlaps every box already placed by an IoU (Eq. (D11)) of at
/// most max_iou; if none fits, the object is left out. Pixels combine by maximum (ink over ink).
/// The true box is the tight bounding box of the resampled digit's ink. Optionally, `clutter`
/// unlabelled fragments of other digits and Gaussian pixel noise are added.
///
/// **Reproducible:** every random draw goes through nn::uniform01 (platform-independent), and
/// scene n of a set uses its own seed derived from (seed, n), so a scene does not depend on how
/// many were made before it or in which batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/data/boxes.hpp"
#include "nn/data/idx.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief The parameters of the scene generator (see the file comment).
struct SceneOptions {
  std::size_t size = 64;          ///< canvas height = width, pixels
  std::size_t min_objects = 1;    ///< fewest digits per scene (≥ 1)
  std::size_t max_objects = 5;    ///< most digits per scene
  std::size_t min_scale = 12;     ///< smallest longer side of a digit's ink, pixels
  std::size_t max_scale = 36;     ///< largest longer side of a digit's ink, pixels (≤ size)
  double max_iou = 0.1;           ///< a placement overlapping a placed box by a larger IoU is rejected
  std::size_t max_attempts = 50;  ///< positions tried per digit before it is left out
  std::size_t clutter = 0;        ///< up to this many unlabelled fragments (6–10 px) of other digits
  double noise = 0.0;             ///< standard deviation of Gaussian pixel noise (clamped to [0, 1])
  float ink_threshold = 0.1f;     ///< a pixel above this is ink (for crops and true boxes)
};

/// @brief One scene: the image and its true objects.
struct Scene {
  Tensor<float> image;              ///< shape (1, 1, size, size), values in [0, 1]
  std::vector<LabeledBox> objects;  ///< true boxes (pixels) and classes (the digits)
};

/// @brief Many scenes in one tensor.
struct SceneSet {
  Tensor<float> images;                          ///< shape (N, 1, size, size)
  std::vector<std::vector<LabeledBox>> objects;  ///< objects[n]: the true objects of scene n
  /// Number of scenes N.
  std::size_t size() const { return objects.size(); }
};

/// @brief The seed of scene n of a set with seed `seed` (a SplitMix64 mix of both).
/// @param seed  the set's seed
/// @param n     the scene's index
std::uint64_t scene_seed(std::uint64_t seed, std::uint64_t n);

/// @brief Makes one scene from a digit set.
/// @param digits   images (N, 1, h, w) in [0, 1] with labels (e.g. the MNIST training split)
/// @param options  the generator's parameters
/// @param seed     same seed, same scene
/// @throws std::invalid_argument for inconsistent options (min_objects 0 or > max_objects,
///         min_scale 0 or > max_scale, max_scale > size) or an empty digit set
Scene make_scene(const Dataset& digits, const SceneOptions& options, std::uint64_t seed);

/// @brief Renders scene `seed` into a caller-owned buffer of size·size floats (for batches
///        that reuse their memory) and writes its objects into `objects` (cleared first).
/// @param digits   the digit set
/// @param options  the generator's parameters
/// @param seed     the scene's seed
/// @param image    size·size floats, overwritten
/// @param objects  receives the true objects
void render_scene(const Dataset& digits, const SceneOptions& options, std::uint64_t seed, float* image,
                  std::vector<LabeledBox>& objects);

/// @brief N scenes; scene n is make_scene(digits, options, scene_seed(seed, n)).
/// @param digits   the digit set
/// @param n        number of scenes
/// @param options  the generator's parameters
/// @param seed     the set's seed
SceneSet make_scenes(const Dataset& digits, std::size_t n, const SceneOptions& options, std::uint64_t seed);

/// @brief Generated digits (nn::synthetic_digit, prepared by nn::mnist_preprocess as MNIST
///        was), classes 0…9 in turn — the stand-in for MNIST when no data is on disk (tests, CI).
/// @param n     number of digits
/// @param seed  seed of the strokes
/// @return images (n, 1, 28, 28) in [0, 1] and labels n % 10
Dataset generated_digits(std::size_t n, std::uint64_t seed);

}  // namespace nn
