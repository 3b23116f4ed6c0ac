/// @file identities.hpp
/// @brief Face recognition data (§1.3: "how can the model be used for face recognition?"): a
///        validating reader of a folder of face images sorted into one folder per person, and a
///        generator of such folders with procedurally drawn faces for the tests and the examples.
///
/// **Layout**, as Labeled Faces in the Wild (LFW, Huang, Ramesh, Berg and Learned-Miller 2007,
/// http://vis-www.cs.umass.edu/lfw/) is distributed:
///
///     ROOT/<person>/<image>.jpg | .jpeg | .png     e.g. lfw/George_W_Bush/George_W_Bush_0001.jpg
///
/// LFW's images are 250 × 250 colour photos with the face centred, filling about the middle
/// half. Every image is read with nn::load_image(), turned gray (nn::to_grayscale()), cropped to
/// its centre square of side `crop` × min(H, W) (default one half: the face of an LFW image)
/// and scaled to size × size by area averaging (nn::resize_area()).
///
/// **What is refused** (nn::data_error naming the folder or file and the fault): ROOT missing or
/// not a folder; more than limits::identity_folder_entries files and folders in all (counted
/// before any image is read); an image lying directly in ROOT (the layout needs one folder per
/// person); a folder inside a person's folder; a file in a person's folder that is not named
/// .jpg, .jpeg or .png; a person's folder holding no image; an image that does not decode (the
/// message of nn::load_image()); an image whose shorter side is below `size` pixels (its centre
/// crop would be enlarged more than 2×); no person left with `min_images_per_person` images.
/// **What is skipped**: hidden files (names starting with '.', such as .DS_Store) everywhere;
/// other files directly in ROOT (LFW's pairs.txt, a README), counted in files_ignored; people
/// with fewer than `min_images_per_person` images, counted in people_skipped and images_skipped.
/// People and images are taken in sorted order of their names, so a folder always reads the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nn/tensor.hpp"

namespace nn {

/// @brief The centre crop of read_identity_folder(): this fraction of the shorter side, the
///        middle half, where LFW's face detector put the face.
constexpr double kIdentityCrop = 0.5;

/// @brief Face images with the person each shows.
struct IdentitySet {
  Tensor<float> images;             ///< (N, 1, S, S), gray, values in [0, 1]
  std::vector<int> labels;          ///< N person indices 0 … P − 1 (into names)
  std::vector<std::string> names;   ///< P person names (their folder names), sorted
  std::vector<std::string> paths;   ///< N image paths relative to the root, '/'-separated
  std::size_t people_skipped = 0;   ///< people with fewer than min_images_per_person images
  std::size_t images_skipped = 0;   ///< their images (not read)
  std::size_t files_ignored = 0;    ///< non-hidden files directly in the root (e.g. pairs.txt)
  /// Number of images N.
  std::size_t size() const { return labels.size(); }
  /// Number of people P.
  std::size_t people() const { return names.size(); }
};

/// @brief Reads a folder of face images, one folder per person (layout and faults in the file
///        comment).
/// @param root                   the folder, e.g. data/lfw
/// @param size                   side S of the images returned (1 … 1024)
/// @param min_images_per_person  people with fewer images are skipped (≥ 1)
/// @param max_people             keep at most this many people, the first in sorted order
///                               among those with enough images (0: all)
/// @param max_images_per_person  read at most this many images of each person, the first in
///                               sorted order (0: all; LFW has 530 of George W. Bush and one of
///                               most people)
/// @param crop                   side of the centre square kept, as a fraction of the shorter side
/// @return the images in sorted order of person, then file name
/// @throws data_error naming the folder or file and the fault (see the file comment)
/// @throws std::invalid_argument for a size, minimum or crop outside its range
IdentitySet read_identity_folder(const std::filesystem::path& root, std::size_t size,
                                 std::size_t min_images_per_person, std::size_t max_people = 0,
                                 std::size_t max_images_per_person = 0, double crop = kIdentityCrop);

/// @brief Side of the images write_synthetic_identities() draws, pixels.
constexpr std::size_t kSyntheticFaceSide = 64;

/// @brief Writes a folder in the layout above of generated gray face PNGs, 64 × 64 pixels,
///        for tests and for runs without real faces.
///
/// A person is a fixed set of parameters, drawn once from the seed: face width and aspect,
/// skin tone, hair line height and hair darkness, eye spacing, height, size and darkness, brow
/// height, thickness and tilt, nose length, width and shade, mouth height, width and thickness.
/// Each image of that person varies, drawn per image: position (±2.5 px), scale (±8 %), in-plane
/// rotation (±8°), a turn of the head (the eyes, nose and mouth moved sideways by up to 0.12 of
/// the face's half-width), lighting (a gain of 0.75 … 1.2 and a linear shading of up to ±0.2
/// across the face, from a random direction), background level and shading, expression (smile
/// or frown, mouth opening, eye opening 50 … 100 %, brows raised or lowered) and Gaussian pixel
/// noise of standard deviation 0.01 … 0.05. The face fills about the middle half of the image,
/// as in LFW, so read_identity_folder()'s default crop keeps it.
///
/// Folders are named person_000, person_001, …, images person_000_0001.png, …, and a file
/// README.txt in the root says how the folder was made. A folder holding that README is
/// replaced entirely on the next call; any other non-empty folder is refused.
/// @param root               the folder to write (created)
/// @param people             number of people (1 … 1000)
/// @param images_per_person  images of each (1 … 9999)
/// @param seed               same seed, same folder
/// @throws data_error if root exists, is not empty and was not written by this function
/// @throws std::invalid_argument for counts outside their ranges
void write_synthetic_identities(const std::filesystem::path& root, std::size_t people, std::size_t images_per_person,
                                std::uint64_t seed);

}  // namespace nn
