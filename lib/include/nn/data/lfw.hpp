/// @file lfw.hpp
/// @brief Real face crops for §1.3's question "how can the model be used for face recognition?":
///        scikit-image's subset of Labeled Faces in the Wild, 100 faces and 100 non-faces.
///
/// **Data** (`bash scripts/fetch-data.sh` fetches it; design notes, "Data"): the file
/// `DATA/faces/lfw_subset.npy`, an `.npy` array (nn/data/npy.hpp) of shape (200, 25, 25) and
/// dtype `<f8`, grey values in [0, 1]. Images 0–99 are faces, picked at random from LFW; images
/// 100–199 are non-faces, cut from backgrounds in LFW's photographs ("extracted from the
/// background of the same dataset", in scikit-image's words); every crop was resized to 25 × 25
/// pixels (scikit-image's `skimage.data.lfw_subset`).
///
/// **Credit.** Labeled Faces in the Wild: G. B. Huang, M. Ramesh, T. Berg and E. Learned-Miller,
/// *Labeled Faces in the Wild: A Database for Studying Face Recognition in Unconstrained
/// Environments*, University of Massachusetts, Amherst, Technical Report 07-49, 2007,
/// http://vis-www.cs.umass.edu/lfw/ ; the subset is scikit-image's `skimage/data/lfw_subset.npy`,
/// taken from Debian's package `python3-skimage`. The README states its terms.
#pragma once

#include <filesystem>

#include "nn/data/idx.hpp"

namespace nn {

/// Where the LFW subset lies inside the data folder.
inline constexpr const char* lfw_subset_relative_path = "faces/lfw_subset.npy";

/// @brief 200 grey 25×25 crops of Labeled Faces in the Wild: images (200,1,25,25) float in [0,1],
///        labels 1 = face (the first 100), 0 = non-face.
/// @param data_dir  the data folder (ChapterArgs::data); reads data_dir/faces/lfw_subset.npy
/// @return          the 200 images, shape (200, 1, 25, 25), and their labels
/// @throws data_error with missing_data_message() (the fetch command) if the file is missing, as
///         read_npy() for a bad file, and naming the file and the fault if its shape is not
///         (200, 25, 25) or a value lies outside [0, 1] (naming the image, row and column)
Dataset load_lfw_subset(const std::filesystem::path& data_dir);

}  // namespace nn
