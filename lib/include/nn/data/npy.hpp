/// @file npy.hpp
/// @brief A validating reader and a writer of NumPy's `.npy` files, the format in which
///        scikit-image ships its face crops (nn/data/lfw.hpp).
///
/// **NPY format** (NumPy's `numpy.lib.format`, versions 1.0, 2.0 and 3.0): a prefix, a text
/// header, then the values.
///
/// | bytes            | what                                                                  |
/// |------------------|-----------------------------------------------------------------------|
/// | 0–5              | magic `\x93NUMPY`                                                     |
/// | 6, 7             | version: major 1, 2 or 3, minor 0                                     |
/// | 8–9 (1.0) or 8–11 (2.0, 3.0) | header length H, little-endian (16 or 32 bits)            |
/// | next H bytes     | the header: a Python dict literal, padded with spaces, ending in `\n` |
/// | the rest         | product(shape) values of the dtype, in C order (last index fastest)   |
///
/// The header reads e.g.
///
/// @verbatim {'descr': '<f8', 'fortran_order': False, 'shape': (200, 25, 25), } @endverbatim
///
/// with exactly the three keys, in any order, with an optional trailing comma. Versions 2.0 and 3.0
/// differ from 1.0 only in the 32-bit header length (3.0 allows UTF-8 in the header, which none of
/// the accepted dtypes needs). Read are the dtypes `<f8` (double), `<f4` (float), `|u1` (byte),
/// `<i4` and `<i8` (integers), all little-endian; every value becomes a double.
///
/// Every fault throws nn::data_error naming the file and the fault: wrong magic, unknown version,
/// a header length past the end of the file, a header that is not that dict (a missing, unknown
/// or repeated key), another dtype or a big-endian one, Fortran order, a shape entry that is not
/// a whole number, a shape of more than nn::limits::npy_values values (or whose product
/// overflows), a body shorter or longer than the shape needs, or a non-finite value (naming
/// its flat index). The file's size is checked against nn::limits::npy_file_bytes before it is
/// read, and the shape before anything is allocated for the values.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace nn {

/// @brief The contents of an `.npy` file.
struct NpyArray {
  std::vector<std::size_t> shape;  ///< the dimensions; empty for a 0-d array (one value)
  std::vector<double> values;      ///< product(shape) values in C order (row-major)
  std::string dtype;               ///< the file's `descr`, e.g. `<f8`
};

/// @brief Reads an `.npy` file (format 1.0, 2.0 or 3.0) of dtype `<f8`, `<f4`, `|u1`, `<i4` or `<i8`.
/// @param path  the file
/// @return      its shape, its values as doubles in C order, and its dtype
/// @throws data_error naming the file and the fault (see the file comment) if the file is
///         missing, larger than nn::limits::npy_file_bytes, malformed, of another dtype, in
///         Fortran order, or holds a non-finite value or an integer beyond 2^53
NpyArray read_npy(const std::filesystem::path& path);

/// @brief Writes `values` as an `.npy` file (format 1.0, dtype `<f8`, C order), atomically
///        (temporary file + rename).
/// @param path    the file to write (its folder is created)
/// @param shape   the dimensions; empty for a single value
/// @param values  product(shape) finite values in C order
/// @throws data_error naming the file if the number of values does not match the shape, a value
///         is not finite, or the file cannot be written
void write_npy(const std::filesystem::path& path, const std::vector<std::size_t>& shape,
               const std::vector<double>& values);

}  // namespace nn
