/// @file wider_face.hpp
/// @brief Face detection data (§1.3: "how can the model be used for face recognition?"): a
///        validating reader of the WIDER FACE annotation format, the folder layout it expects,
///        images letterboxed to the detector's input, and a generator of small synthetic folders
///        in the same format for the tests.
///
/// **WIDER FACE** (Yang, Luo, Loy and Tang 2016, http://shuoyang1213.me/WIDERFACE/) is not
/// reachable offline; a user who has it names its folder. Expected layout (as distributed):
///
///     ROOT/wider_face_split/wider_face_train_bbx_gt.txt
///     ROOT/wider_face_split/wider_face_val_bbx_gt.txt
///     ROOT/WIDER_train/images/0--Parade/0_Parade_marchingband_1_849.jpg   (…)
///     ROOT/WIDER_val/images/0--Parade/0_Parade_marchingband_1_465.jpg     (…)
///
/// **Annotation file**, one record per image:
///
///     0--Parade/0_Parade_marchingband_1_849.jpg      image path, relative to WIDER_SPLIT/images
///     1                                              number of faces n
///     449 330 122 149 0 0 0 0 0 0                    n lines: x1 y1 w h blur expression
///                                                    illumination invalid occlusion pose
///
/// A record with n = 0 is followed by one line of ten zeros (which is read and ignored). Values
/// are integers; blur ∈ {0, 1, 2}, expression, illumination, invalid, pose ∈ {0, 1}, occlusion
/// ∈ {0, 1, 2}; w, h ≥ 0 (the official files hold a few boxes of size 0, marked invalid). Every
/// fault — a count that is not a whole number, a face line without exactly ten integers, a negative
/// size, an attribute out of range, a path line that is not an image, the file ending inside a
/// record — throws nn::data_error naming the file and the line number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nn/data/boxes.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief One annotated face: its box and WIDER FACE's six attributes.
struct WiderFace {
  Box box;               ///< [x1, x1 + w) × [y1, y1 + h), pixels of the original image
  int blur = 0;          ///< 0 clear, 1 normal, 2 heavy
  int expression = 0;    ///< 0 typical, 1 exaggerated
  int illumination = 0;  ///< 0 normal, 1 extreme
  int invalid = 0;       ///< 1: the annotators marked the box invalid
  int occlusion = 0;     ///< 0 none, 1 partial, 2 heavy
  int pose = 0;          ///< 0 typical, 1 atypical
  std::size_t line = 0;  ///< line number of the face line in its annotation file (1-based), for messages
};

/// @brief One record of an annotation file: an image and its faces.
struct WiderFaceImage {
  std::string path;              ///< relative to WIDER_SPLIT/images, '/'-separated
  std::vector<WiderFace> faces;  ///< may be empty
  std::size_t line = 0;          ///< line number of the path line (1-based), for messages
};

/// @brief Reads a `wider_face_*_bbx_gt.txt` file (format in the file comment).
/// @param file  the annotation file
/// @return its records in file order
/// @throws data_error naming the file (and the line, for a malformed one) if it is missing,
///         unreadable or malformed
std::vector<WiderFaceImage> read_wider_face_annotations(const std::filesystem::path& file);

/// @brief Writes records in the same format (a record without faces gets its line of zeros),
///        atomically.
/// @param file    the annotation file to write (its folder is created)
/// @param images  the records; box corners and sizes are rounded to whole pixels
void write_wider_face_annotations(const std::filesystem::path& file, const std::vector<WiderFaceImage>& images);

/// @brief Where one split of a WIDER FACE folder keeps its annotations and images.
struct WiderFaceSplit {
  std::filesystem::path annotations;  ///< ROOT/wider_face_split/wider_face_SPLIT_bbx_gt.txt
  std::filesystem::path images;       ///< ROOT/WIDER_SPLIT/images
};

/// @brief The paths of split "train" or "val" under ROOT, checked to exist.
/// @param root   the WIDER FACE folder
/// @param split  "train" or "val"
/// @throws data_error naming the missing path and the expected layout
WiderFaceSplit wider_face_split(const std::filesystem::path& root, const std::string& split);

/// @brief True if ROOT holds at least the train annotation file of the layout above.
/// @param root  the folder to test
bool is_wider_face_folder(const std::filesystem::path& root);

/// @brief Reads a PNG (nn::load_png) or a JPEG (the format of WIDER FACE's images, decoded by
///        stb_image) into a tensor (1, C, H, W) in [0, 1].
/// @param path  the image file
/// @throws data_error naming the file if it is missing or cannot be decoded
Tensor<float> load_image(const std::filesystem::path& path);

/// @brief An image scaled to fit a square and centred on a gray border ("letterbox"), with the
///        mapping of coordinates: x′ = scale·x + pad_x, y′ = scale·y + pad_y.
struct Letterbox {
  Tensor<float> image;  ///< shape (1, 1, size, size)
  double scale = 1;     ///< size / max(H, W)
  double pad_x = 0;     ///< left border, pixels of the output
  double pad_y = 0;     ///< top border, pixels of the output
  /// A box of the original image in the letterboxed one.
  Box map(const Box& b) const { return Box{b.x1 * scale + pad_x, b.y1 * scale + pad_y, b.x2 * scale + pad_x, b.y2 * scale + pad_y}; }
};

/// @brief Letterboxes a gray image (1, 1, H, W) into size × size: area resampling (nn::resize_area)
///        so that the longer side is `size`, the rest filled with 0.5.
/// @param gray  shape (1, 1, H, W)
/// @param size  the output side
Letterbox letterbox(const Tensor<float>& gray, std::size_t size);

/// @brief A split of a WIDER FACE folder ready for the grid detector (one class, label 0).
struct FaceSet {
  Tensor<float> images;                          ///< (N, 1, size, size), letterboxed gray images
  std::vector<std::vector<LabeledBox>> objects;  ///< faces per image, in letterboxed pixels
  std::vector<std::string> paths;                ///< the images' relative paths
  std::size_t faces_kept = 0;                    ///< faces in `objects`
  std::size_t faces_dropped = 0;                 ///< invalid ones and ones smaller than min_face
  /// Number of images N.
  std::size_t size() const { return objects.size(); }
};

/// @brief Reads one split: annotations, every image (gray, letterboxed to size × size), and the
///        faces mapped into the letterboxed image. Faces marked invalid and faces whose longer
///        side is below `min_face` pixels *after* letterboxing are dropped (too small for the
///        grid to see); they count in faces_dropped.
/// @param root       the WIDER FACE folder (layout in the file comment)
/// @param split      "train" or "val"
/// @param size       the detector's input side
/// @param min_face   smallest face kept, pixels after letterboxing
/// @param max_images read at most this many records (0: all)
/// @throws data_error as read_wider_face_annotations() and load_image(), and naming the
///         annotation line if a box lies outside its image
FaceSet load_wider_face(const std::filesystem::path& root, const std::string& split, std::size_t size,
                        double min_face, std::size_t max_images = 0);

/// @brief Writes a small WIDER-FACE-format folder of synthetic faces (for tests and --quick):
///        gray PNGs of 64–96 × 56–80 pixels with a shaded background, blobs and eyeless ellipses
///        as distractors, and 1–3 faces (a bright ellipse with two dark eyes and a mouth, 12–30 px
///        wide) that do not overlap; annotation files for "train" and "val".
/// @param root     the folder to create (layout in the file comment; PNG instead of JPEG)
/// @param n_train  images in the train split
/// @param n_val    images in the val split
/// @param seed     same seed, same folder
void write_synthetic_wider_face(const std::filesystem::path& root, std::size_t n_train, std::size_t n_val,
                                std::uint64_t seed);

}  // namespace nn
