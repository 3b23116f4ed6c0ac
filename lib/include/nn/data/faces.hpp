/// @file faces.hpp
/// @brief Real face crops made into training data (§1.3, "ansiktsigenkänning"): windows cut and
///        resampled from gray pictures, the augmentation of a face crop, and scenes made by pasting
///        real face crops into real face-free photographs, with their true boxes.
///
/// A gray picture here is a matrix of shape (H, W) with values in [0, 1] (nn::to_grayscale()
/// and a reshape give one). A *window* is a square cut from a picture and resampled to the
/// classifier's side (24 pixels, @ref ch08_faces).
///
/// **Why pasted scenes.** No face data set with boxes is reachable offline. The 200 crops of
/// nn::load_lfw_subset() are real faces and real non-faces, so a scene made by pasting held-out
/// faces into a real photograph measures a detector on faces it never saw, with exact boxes. A
/// pasted square would show its edges, so every paste fades into the photograph over its outer
/// band (`feather`), and the scenes also hold pasted *non-face* crops faded the same way: the
/// edge of a paste then says nothing about whether it holds a face.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "nn/data/boxes.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Picture n of a batch (N, C, H, W) as a matrix (H, W): its first channel.
/// @throws shape_error if the batch is not of rank 4 or n ≥ N
Tensor<float> picture_of(const Tensor<float>& batch, std::size_t n);

/// @brief Bilinear resampling of a rotated square of a picture: the output pixel (i, j) of an
///        `out`×`out` window samples the picture at centre + R(angle)·(side/out)·(j + ½ − out/2,
///        i + ½ − out/2), mirrored left–right first if `flip`. Samples outside the picture take
///        the nearest edge pixel.
/// @param picture  shape (H, W)
/// @param cx, cy   centre of the square, pixels of the picture
/// @param side     side of the square, pixels of the picture
/// @param angle    rotation of the sampled square in radians, counter-clockwise on the screen
///                 (y down), so that the window shows the picture turned clockwise
/// @param flip     mirror left–right
/// @param out      the window's side
/// @param dst      out·out values, row-major
void warp_window(const Tensor<float>& picture, double cx, double cy, double side, double angle, bool flip,
                 std::size_t out, float* dst);

/// @brief A square of a picture, [x, x + side) × [y, y + side), area-resampled (nn::resize_area)
///        to out × out, the way the scanner sees it (nn::scan_faces()).
/// @param picture  shape (H, W)
/// @param x, y     top-left corner (whole pixels, inside the picture)
/// @param side     side in pixels (the square must lie inside the picture)
/// @param out      the window's side
/// @param dst      out·out values, row-major
/// @throws std::invalid_argument if the square is not inside the picture
void cut_window(const Tensor<float>& picture, std::size_t x, std::size_t y, std::size_t side, std::size_t out,
                float* dst);

/// @brief The random changes a training face (or non-face) crop undergoes, each drawn uniformly.
struct FaceAugment {
  bool flip = true;             ///< mirror left–right with probability ½ (a face's mirror image is a face)
  double max_shift = 0.08;      ///< largest shift of the centre, as a fraction of the side
  double min_scale = 0.9;       ///< smallest zoom (side of the sampled square / side of the crop)
  double max_scale = 1.1;       ///< largest zoom
  double max_rotation = 0.17;   ///< largest rotation, radians (about 10°)
  double brightness = 0.12;     ///< largest added offset b: v ← c·(v − m) + m + b
  double min_contrast = 0.7;    ///< smallest contrast factor c (m = the window's mean)
  double max_contrast = 1.3;    ///< largest contrast factor c
  double noise = 0.02;          ///< standard deviation of added Gaussian noise
};

/// @brief One augmented copy of a crop: warp_window() with a random flip, shift, zoom and
///        rotation, then contrast, brightness and noise, clamped to [0, 1].
/// @param crop  shape (h, w) with h = w
/// @param aug   the ranges
/// @param out   the window's side
/// @param rng   the random source
/// @param dst   out·out values
void augment_crop(const Tensor<float>& crop, const FaceAugment& aug, std::size_t out, std::mt19937_64& rng,
                  float* dst);

/// @brief A region of a face-free photograph from which windows and scenes are cut: the
///        training scenes and negatives use the left half of each photograph, the held-out
///        scenes the right half, so no background pixel is both trained on and measured on.
struct Backdrop {
  Tensor<float> picture;  ///< shape (H, W), gray in [0, 1]
};

/// @brief Splits a gray photograph (H, W) into its left and right halves.
/// @return {left, right}
std::pair<Backdrop, Backdrop> split_halves(const Tensor<float>& picture);

/// @brief A random square window of a random backdrop: side uniform in [min_side, max_side]
///        (clipped to the backdrop), position uniform, area-resampled to out × out.
/// @param backdrops  where to cut (at least one)
/// @param min_side, max_side  the side range in backdrop pixels
/// @param out        the window's side
/// @param rng        the random source
/// @param dst        out·out values
void random_backdrop_window(const std::vector<Backdrop>& backdrops, std::size_t min_side, std::size_t max_side,
                            std::size_t out, std::mt19937_64& rng, float* dst);

/// @brief How make_face_scenes() composes a scene.
struct FaceSceneOptions {
  std::size_t size = 192;        ///< the scene's side
  std::size_t min_faces = 1;     ///< faces per scene, drawn uniformly in [min_faces, max_faces]
  std::size_t max_faces = 3;     ///< most faces per scene
  std::size_t max_distractors = 2;  ///< pasted non-face crops per scene, uniform in [0, max]
  double min_side = 28;          ///< smallest pasted side, pixels of the scene
  double max_side = 80;          ///< largest pasted side
  double feather = 0.2;          ///< outer band, as a fraction of the side, over which a paste fades out
  double tone = 0.1;             ///< largest brightness change of a pasted crop
};

/// @brief Scenes with their true face boxes (label 0).
struct FaceScenes {
  Tensor<float> images;                          ///< (N, 1, size, size)
  std::vector<std::vector<LabeledBox>> faces;    ///< the pasted faces of each scene, scene pixels
  std::vector<std::vector<Box>> distractors;     ///< where non-face crops were pasted (not objects)
  /// Number of scenes N.
  std::size_t size() const { return faces.size(); }
};

/// @brief Composes N scenes: a square cut from a random backdrop (scaled up first if smaller
///        than the scene), then faces and non-face distractors pasted at random sides and places
///        that do not overlap one another; each paste is resampled to its side (area averaging
///        when shrinking, bilinear when enlarging), given a random tone change, and blended with
///        weight 1 inside and falling linearly to 0 across its outer `feather` band.
/// @param backdrops    the face-free regions to use
/// @param faces        face crops (M, 1, h, w)
/// @param distractors  non-face crops (K, 1, h, w), may be empty
/// @param n            number of scenes
/// @param options      sizes and counts
/// @param seed         same seed, same scenes
/// @throws std::invalid_argument if there is no backdrop or no face, or the sizes do not fit
FaceScenes make_face_scenes(const std::vector<Backdrop>& backdrops, const Tensor<float>& faces,
                            const Tensor<float>& distractors, std::size_t n, const FaceSceneOptions& options,
                            std::uint64_t seed);

/// @brief Stand-ins for the real crops, for `--quick` runs without fetched data (the tests):
///        `n` face drawings (a bright ellipse filling the crop, two dark eyes, a mouth; random
///        tones, sizes and noise), then `n` non-faces (shades, blobs and eyeless ellipses), each
///        side × side; labels 1 then 0, as nn::load_lfw_subset() gives them. They only exercise
///        the pipeline: a result on them says nothing about real faces.
/// @param n     faces and non-faces each
/// @param side  crop side (25 like the LFW crops)
/// @param seed  same seed, same crops
/// @return images (2n, 1, side, side) and labels
std::pair<Tensor<float>, std::vector<int>> generated_face_crops(std::size_t n, std::size_t side, std::uint64_t seed);

/// @brief A generated face-free backdrop for the same runs: a shade, noise and blobs, (side, side).
Tensor<float> generated_backdrop(std::size_t side, std::uint64_t seed);

}  // namespace nn
