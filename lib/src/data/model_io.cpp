/// @file model_io.cpp
/// @brief The model file format (see model_io.hpp for the layout).
#include "nn/data/model_io.hpp"

#include <boost/crc.hpp>

#include <cerrno>
#include <cmath>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/data/limits.hpp"
#include "nn/tools/files.hpp"

namespace nn {

namespace {

constexpr char kMagic[8] = {'N', 'N', 'M', 'O', 'D', 'E', 'L', '\0'};

bool little_endian() {
  const std::uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

template <class U>
void put(std::string& out, U v) {
  char b[sizeof(U)];
  std::memcpy(b, &v, sizeof(U));
  out.append(b, sizeof(U));
}

/// Reads from the file's bytes; every read is checked against the end.
class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end, std::string file) : b_(bytes), end_(end), file_(std::move(file)) {}
  template <class U>
  U get(const char* what) {
    need(sizeof(U), what);
    U v;
    std::memcpy(&v, b_.data() + pos_, sizeof(U));
    pos_ += sizeof(U);
    return v;
  }
  std::string bytes(std::size_t n, const char* what) {
    need(n, what);
    std::string s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void floats(float* dst, std::size_t n, const char* what) {
    if (n > (end_ - pos_) / sizeof(float)) fail(std::string("is truncated: it ends inside ") + what);
    std::memcpy(dst, b_.data() + pos_, n * sizeof(float));
    pos_ += n * sizeof(float);
  }
  std::size_t pos() const { return pos_; }
  std::size_t end() const { return end_; }
  [[noreturn]] void fail(const std::string& what) const { throw data_error("model file " + file_ + " " + what); }

 private:
  void need(std::size_t n, const char* what) const {
    if (n > end_ - pos_) fail(std::string("is truncated: it ends inside ") + what);
  }
  const std::string& b_;
  std::size_t end_;
  std::size_t pos_ = 0;
  std::string file_;
};

/// A count that may exceed any integer type, written exactly when it is an integer below 2^53.
std::string count(double v) {
  std::ostringstream os;
  os.precision(v < 9007199254740992.0 ? 16 : 3);
  os << v;
  return os.str();
}

/// What a layer line's arguments are read with: sizes, reals and words, each checked against
/// its range and named in the message when it is not one, and the running count of parameter
/// values the layers declare so far.
class LineArgs {
 public:
  LineArgs(const std::string& line, std::size_t index, const Reader& rd, double& declared)
      : is_(line), line_(printable(line.substr(std::min(line.find_first_not_of(" \t"), line.size())))), index_(index),
        rd_(rd), declared_(declared) {
    is_ >> kind_;
  }
  const std::string& kind() const { return kind_; }
  /// A whole number `name` in lo … hi.
  std::size_t size(const char* name, std::size_t lo, std::size_t hi) {
    const std::string w = next(name, "a whole number");
    std::size_t pos = 0;
    unsigned long long v = 0;
    const bool digits = w.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) bad(std::string(name) + " must be a whole number, got '" + w + "'");
    try {
      v = std::stoull(w, &pos);
    } catch (const std::out_of_range&) {
      v = ~0ull;  // more digits than any integer type holds: outside the range below
    }
    if (v < lo || v > hi)
      bad(std::string(name) + " = " + w + " is outside " + std::to_string(lo) + " … " + std::to_string(hi));
    return std::size_t(v);
  }
  /// A real number `name`; finite, and > 0 if `positive`, in [0, 1] if `fraction`.
  double real(const char* name, bool positive, bool fraction = false) {
    const std::string w = next(name, "a number");
    std::size_t pos = 0;
    double v = 0;
    try {
      v = std::stod(w, &pos);
    } catch (const std::exception&) {
      pos = 0;
    }
    if (pos == 0 || pos != w.size()) bad(std::string(name) + " must be a number, got '" + w + "'");
    if (!std::isfinite(v)) bad(std::string(name) + " = " + w + " is not finite");
    if (positive && !(v > 0)) bad(std::string(name) + " = " + w + " must be > 0");
    if (fraction && !(v >= 0 && v <= 1)) bad(std::string(name) + " = " + w + " must lie in [0, 1]");
    return v;
  }
  std::string word(const char* name) { return next(name, "a word"); }
  /// A layer is refused before it is built if the file is too short to hold the parameter
  /// values declared so far (a corrupt "Dense 60000 60000" must not allocate 14 GB first).
  void holds(double values) {
    declared_ += values;
    if (declared_ * sizeof(float) > double(rd_.end()))
      rd_.fail("is corrupt: its layers up to layer " + std::to_string(index_) + " '" + line_ + "' hold " +
               count(declared_) + " parameter values, more than its " + std::to_string(rd_.end()) + " bytes can store");
  }
  void end() {
    std::string extra;
    if (is_ >> extra) bad("unexpected word '" + printable(extra) + "' after its arguments");
  }
  [[noreturn]] void bad(const std::string& why) const {
    rd_.fail("is corrupt: layer " + std::to_string(index_) + " '" + line_ + "': " + why);
  }

 private:
  std::string next(const char* name, const char* what) {
    std::string w;
    if (!(is_ >> w)) bad(std::string("the line ends where ") + name + " (" + what + ") was expected");
    return printable(w);
  }
  std::istringstream is_;
  std::string line_, kind_;
  std::size_t index_;
  const Reader& rd_;
  double& declared_;
};

/// One layer type as the model file knows it, in one place: how it is written (the arguments
/// after its name on its `layer` line, or nothing if `layer` is of another type) and how such a
/// line is read back. A new layer type needs one more entry here, nothing else.
struct LayerFormat {
  const char* kind;
  std::optional<std::string> (*write)(Layer<float>& layer);
  void (*read)(LineArgs& args, Sequential<float>& net);
};

template <class L>
L* as(Layer<float>& layer) {
  return dynamic_cast<L*>(&layer);
}

/// " v" for each value: sizes as integers, reals with 9 significant digits (a float survives).
std::string words(std::initializer_list<std::size_t> sizes, std::initializer_list<double> reals = {}) {
  std::ostringstream os;
  os.precision(9);
  for (std::size_t v : sizes) os << " " << v;
  for (double v : reals) os << " " << v;
  return os.str();
}

template <class BN>
std::optional<std::string> write_batchnorm(Layer<float>& layer) {
  auto* b = as<BN>(layer);
  if (!b) return std::nullopt;
  return words({b->gamma().size()}, {double(b->eps()), double(b->momentum())});
}

template <class BN>
void read_batchnorm(LineArgs& a, Sequential<float>& net) {
  const std::size_t C = a.size("the channel count C", 1, limits::layer_size);
  const double eps = a.real("eps", true), momentum = a.real("momentum", false, true);
  // ε is used as a float: 1e-50 would become 0 (and 1/√σ² infinite), 1e300 infinity
  if (!(float(eps) > 0) || !std::isfinite(float(eps))) a.bad("eps = " + count(eps) + " is 0 or infinite as a float");
  a.holds(4.0 * double(C));  // γ, β and the running mean and variance
  net.add<BN>(C, float(eps), float(momentum));
}

const std::vector<LayerFormat>& layer_formats() {
  static const std::vector<LayerFormat> formats = {
      {"Dense",
       [](Layer<float>& l) -> std::optional<std::string> {
         auto* d = as<Dense<float>>(l);
         if (!d) return std::nullopt;
         return words({d->inputs(), d->outputs()});
       },
       [](LineArgs& a, Sequential<float>& net) {
         const std::size_t n = a.size("the input count n", 1, limits::layer_size);
         const std::size_t m = a.size("the output count m", 1, limits::layer_size);
         a.holds(double(n) * double(m) + double(m));  // W and b
         net.add<Dense<float>>(n, m);
       }},
      {"Conv2d",
       [](Layer<float>& l) -> std::optional<std::string> {
         auto* c = as<Conv2d<float>>(l);
         if (!c) return std::nullopt;
         const Shape& w = c->weights().shape();
         return words({w[1], w[0], w[2], w[3], c->spec().stride, c->spec().pad});
       },
       [](LineArgs& a, Sequential<float>& net) {
         const std::size_t C = a.size("the input channels C", 1, limits::layer_size);
         const std::size_t Cp = a.size("the output channels C′", 1, limits::layer_size);
         const std::size_t kh = a.size("the kernel height kH", 1, limits::layer_size);
         const std::size_t kw = a.size("the kernel width kW", 1, limits::layer_size);
         const std::size_t s = a.size("the stride", 1, limits::layer_size);
         // Eq. (34): more padding than k − 1 only adds outputs that see nothing but zeros (on the
         // larger side of the kernel; a 1×5 "same" convolution pads 2)
         const std::size_t p = a.size("the padding (at most max(kH, kW) − 1)", 0, std::max(kh, kw) - 1);
         a.holds(double(Cp) * double(C) * double(kh) * double(kw) + double(Cp));  // W and b
         net.add<Conv2d<float>>(C, Cp, kh, kw, ConvSpec{s, p});
       }},
      {"MaxPool2d",
       [](Layer<float>& l) -> std::optional<std::string> {
         auto* p = as<MaxPool2d<float>>(l);
         if (!p) return std::nullopt;
         const PoolSpec& s = p->spec();
         return words({s.k_h, s.k_w, s.s_h, s.s_w});
       },
       [](LineArgs& a, Sequential<float>& net) {
         const std::size_t kh = a.size("the window height kH", 1, limits::layer_size);
         const std::size_t kw = a.size("the window width kW", 1, limits::layer_size);
         const std::size_t sh = a.size("the stride sH", 1, limits::layer_size);
         const std::size_t sw = a.size("the stride sW", 1, limits::layer_size);
         net.add<MaxPool2d<float>>(PoolSpec{kh, kw, sh, sw});
       }},
      {"Activation",
       [](Layer<float>& l) -> std::optional<std::string> {
         auto* f = as<Activation<float>>(l);
         if (!f) return std::nullopt;
         return " " + to_string(f->function());
       },
       [](LineArgs& a, Sequential<float>& net) {
         const std::string f = a.word("the function");
         for (auto fn : {ActivationFunction::sigmoid, ActivationFunction::tanh, ActivationFunction::relu})
           if (f == to_string(fn)) return void(net.add<Activation<float>>(fn));
         a.bad("unknown function '" + f + "' (known: sigmoid, tanh, relu)");
       }},
      {"Flatten",
       [](Layer<float>& l) -> std::optional<std::string> {
         if (!as<Flatten<float>>(l)) return std::nullopt;
         return std::string();
       },
       [](LineArgs&, Sequential<float>& net) { net.add<Flatten<float>>(); }},
      {"BatchNorm2d", write_batchnorm<BatchNorm2d<float>>, read_batchnorm<BatchNorm2d<float>>},
      {"BatchNorm1d", write_batchnorm<BatchNorm1d<float>>, read_batchnorm<BatchNorm1d<float>>},
  };
  return formats;
}

/// The `layer` line of a layer: its type's name and arguments.
std::string describe(Layer<float>& layer) {
  for (const LayerFormat& f : layer_formats())
    if (auto args = f.write(layer)) return f.kind + *args;
  throw std::invalid_argument("save_model: the format has no entry for layer " + layer.name());
}

/// Adds the layer a header line describes (the index-th, counted from 1). `declared` sums the
/// parameter values the layers so far hold (LineArgs::holds).
void add_layer(Sequential<float>& net, const std::string& line, std::size_t index, const Reader& rd, double& declared) {
  LineArgs args(line, index, rd, declared);
  std::string known;
  for (const LayerFormat& f : layer_formats()) known += std::string(known.empty() ? "" : ", ") + f.kind;
  if (args.kind().empty()) rd.fail("is corrupt: header line 'layer' (layer " + std::to_string(index) + ") names no layer type (known: " + known + ")");
  const LayerFormat* format = nullptr;
  for (const LayerFormat& f : layer_formats())
    if (args.kind() == f.kind) format = &f;
  if (!format)
    rd.fail("names a layer type this build does not know: '" + printable(args.kind()) + "' in layer " + std::to_string(index) +
            " (known: " + known + ")");
  try {
    format->read(args, net);
  } catch (const shape_error& e) {
    rd.fail("is corrupt: layer " + std::to_string(index) + " '" + printable(line) + "' is not a valid layer (" + e.what() + ")");
  }
  args.end();
}

/// Every layer for one example, checked to fit (Eqs. (34) and (46)) and to stay within
/// nn::limits: its output and a convolution's im2row workspace below limits::activation_values,
/// its multiply-adds below limits::layer_multiply_adds. So a valid-looking file of a few
/// kilobytes cannot make one forward pass take gigabytes or minutes.
void check_activations(Sequential<float>& net, const Shape& input, const Reader& rd) {
  Shape s{1, input[0], input[1], input[2]};
  double all_values = 0, all_macs = 0;  // over every layer: each keeps its own output and cache
  for (std::size_t i = 0; i < net.size(); ++i) {
    const std::string layer = "layer " + std::to_string(i + 1) + " (" + net[i].name() + ")";
    try {
      s = net[i].output_shape(s);
    } catch (const shape_error& e) {
      rd.fail("is mismatched: " + layer + " does not fit the input " + input.str() + ": " + e.what());
    }
    auto refuse = [&](const std::string& what, double n, const char* unit, std::size_t most) {
      if (n > double(most))
        rd.fail("is refused: " + layer + " would " + what + " " + count(n) + " " + unit + " for one example, more than " +
                std::to_string(most) + " (nn::limits)");
    };
    refuse("output " + s.str() + ",", double(s.size()), "values", limits::activation_values);
    // one row of C·kH·kW values per output position (im2row), one multiply-add per value and C′
    double rows = 0, macs = 0;
    if (auto* c = as<Conv2d<float>>(net[i])) {
      const Shape& w = c->weights().shape();  // (C′, C, kH, kW)
      rows = double(w[1]) * double(w[2]) * double(w[3]) * double(s[2]) * double(s[3]);
      macs = rows * double(w[0]);
    } else if (auto* d = as<Dense<float>>(net[i])) {
      macs = double(d->inputs()) * double(d->outputs());
    } else if (auto* p = as<MaxPool2d<float>>(net[i])) {
      macs = double(s.size()) * double(p->spec().k_h) * double(p->spec().k_w);
    }
    refuse("need an im2row workspace of", rows, "values", limits::activation_values);
    refuse("need", macs, "multiply-adds", limits::layer_multiply_adds);
    all_values += double(s.size()) + rows;
    all_macs += macs;
    if (all_values > double(limits::network_values) || all_macs > double(limits::network_multiply_adds))
      rd.fail("is refused: its layers up to " + layer + " would hold " + count(all_values) + " values and need " +
              count(all_macs) + " multiply-adds for one example, more than " + std::to_string(limits::network_values) +
              " and " + std::to_string(limits::network_multiply_adds) + " (nn::limits)");
  }
}

}  // namespace

void save_model(const std::filesystem::path& path, Sequential<float>& net, const Shape& input,
                const std::vector<std::string>& classes) {
  if (!little_endian()) throw std::runtime_error("save_model: model files are little-endian; this host is not");
  if (input.rank() != 3) throw shape_error("save_model: the input shape must be (C, H, W), got " + input.str());
  net.output_shape(Shape{1, input[0], input[1], input[2]});  // the architecture must fit the input
  std::ostringstream header;
  header << "input " << input[0] << " " << input[1] << " " << input[2] << "\n";
  if (!classes.empty()) {
    header << "classes";
    for (const auto& c : classes) {
      if (c.empty() || c.find_first_of(" \t\n") != std::string::npos)
        throw std::invalid_argument("save_model: class name '" + c + "' must be one word");
      header << " " << c;
    }
    header << "\n";
  }
  for (std::size_t i = 0; i < net.size(); ++i) header << "layer " << describe(net[i]) << "\n";

  std::string out(kMagic, 8);
  put<std::uint32_t>(out, kModelFormatVersion);
  const std::string h = header.str();
  put<std::uint64_t>(out, h.size());
  out += h;
  auto tensors = net.parameters();
  for (auto& b : net.buffers()) tensors.push_back(b);
  put<std::uint64_t>(out, tensors.size());
  for (const auto& p : tensors) {
    const Tensor<float>& t = *p.value;
    put<std::uint32_t>(out, std::uint32_t(t.rank()));
    for (std::size_t d = 0; d < t.rank(); ++d) put<std::uint64_t>(out, t.dim(d));
    out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(float));
  }
  boost::crc_32_type crc;
  crc.process_bytes(out.data(), out.size());
  put<std::uint32_t>(out, crc.checksum());
  write_file_atomically(path, out);
}

Model load_model(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw data_error("model file " + file + " does not exist (train one first: the digits chapter's programs save it)");
  if (std::filesystem::is_directory(path, ec)) throw data_error("model file " + file + " is a folder, not a model file");
  if (!std::filesystem::is_regular_file(path, ec)) throw data_error("model file " + file + " is not a regular file (a pipe or a device)");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw data_error("model file " + file + ": cannot read its size (" + ec.message() + ")");
  if (size > limits::model_file_bytes)
    throw data_error("model file " + file + " has " + std::to_string(size) + " bytes, more than a model file may have (" +
                     std::to_string(limits::model_file_bytes) + ", nn::limits)");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw data_error("model file " + file + " cannot be opened (" + std::strerror(errno) + ")");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  f.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<std::size_t>(f.gcount()) != bytes.size()) throw data_error("model file " + file + ": read error");
  if (bytes.size() < 8 + 4 + 8 + 8 + 4)
    throw data_error("model file " + file + " is truncated: " + std::to_string(bytes.size()) + " bytes");
  if (std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw data_error("model file " + file + " is not a model file of this companion (it does not start with NNMODEL)");

  Reader rd(bytes, bytes.size() - 4, file);  // the last 4 bytes are the checksum
  rd.bytes(8, "the magic");
  const auto version = rd.get<std::uint32_t>("the version");
  if (version != kModelFormatVersion)
    rd.fail("has format version " + std::to_string(version) + "; this build reads version " +
            std::to_string(kModelFormatVersion));
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size() - 4);
  if (crc.checksum() != stored)
    rd.fail("is corrupt: its CRC-32 checksum does not match its contents (truncated or changed on disk)");

  const auto hlen = rd.get<std::uint64_t>("the header length");
  const std::string header = rd.bytes(hlen, "the header");
  Model m;
  std::istringstream hs(header);
  std::string line;
  bool have_input = false;
  double declared = 0;  // parameter values the layers hold so far (see add_layer)
  while (std::getline(hs, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "input") {
      long long c = 0, h = 0, w = 0;
      std::string extra;
      const long long most = static_cast<long long>(limits::image_side);
      if (!(ls >> c >> h >> w) || (ls >> extra) || c <= 0 || h <= 0 || w <= 0 || c > most || h > most || w > most ||
          std::size_t(c) * std::size_t(h) * std::size_t(w) > limits::activation_values)
        rd.fail("is corrupt: bad input line '" + printable(line) + "' (expected 'input C H W', each 1 … " + std::to_string(most) +
                ", at most " + std::to_string(limits::activation_values) + " values)");
      m.input = Shape{std::size_t(c), std::size_t(h), std::size_t(w)};
      have_input = true;
    } else if (key == "classes") {
      std::string name;
      while (ls >> name) {
        if (m.classes.size() == limits::layer_size || name.size() > limits::class_name_bytes)
          rd.fail("is corrupt: its classes line names more than " + std::to_string(limits::layer_size) +
                  " classes or a name longer than " + std::to_string(limits::class_name_bytes) + " bytes (nn::limits)");
        if (has_control_characters(name))
          rd.fail("is corrupt: class name '" + printable(name) + "' holds control characters");
        m.classes.push_back(name);
      }
    } else if (key == "layer") {
      std::string rest;  // what follows the word "layer", wherever the line starts
      std::getline(ls, rest);
      if (m.net.size() == limits::model_layers)
        rd.fail("is corrupt: it declares more than " + std::to_string(limits::model_layers) + " layers (nn::limits)");
      add_layer(m.net, rest, m.net.size() + 1, rd, declared);
    } else if (!key.empty()) {
      rd.fail("is corrupt: unknown header line '" + printable(line) + "'");
    }
  }
  if (!have_input) rd.fail("is corrupt: the header has no input line");
  if (m.net.size() == 0) rd.fail("is corrupt: the header names no layers");
  check_activations(m.net, m.input, rd);
  const Shape out = m.net.output_shape(Shape{1, m.input[0], m.input[1], m.input[2]});
  if (!m.classes.empty() && m.classes.size() != out.size())
    rd.fail("is mismatched: it names " + std::to_string(m.classes.size()) + " classes, but its network has " +
            std::to_string(out.size()) + " outputs");

  auto tensors = m.net.parameters();
  for (auto& b : m.net.buffers()) tensors.push_back(b);
  const auto count = rd.get<std::uint64_t>("the tensor count");
  if (count != tensors.size())
    rd.fail("is mismatched: it holds " + std::to_string(count) + " tensors, its architecture needs " +
            std::to_string(tensors.size()));
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    Tensor<float>& t = *tensors[i].value;
    const auto rank = rd.get<std::uint32_t>("a tensor's rank");
    std::vector<std::size_t> dims;
    if (rank == 0 || rank > 4) rd.fail("is corrupt: tensor " + std::to_string(i) + " has rank " + std::to_string(rank));
    for (std::uint32_t d = 0; d < rank; ++d) dims.push_back(std::size_t(rd.get<std::uint64_t>("a tensor's shape")));
    Shape s;
    try {
      s = Shape(dims);
    } catch (const shape_error& e) {
      rd.fail("is corrupt: tensor " + std::to_string(i) + ": " + e.what());
    }
    if (s != t.shape())
      rd.fail("is mismatched: tensor " + std::to_string(i) + " (" + tensors[i].name + ") has shape " + s.str() +
              " in the file, the architecture needs " + t.shape().str());
    rd.floats(t.data(), t.size(), "a tensor's values");
    // a NaN weight would make every probability NaN; a negative variance, √ of a negative (Eq. (54))
    const bool variance = tensors[i].name == "running_var";
    for (std::size_t k = 0; k < t.size(); ++k)
      if (!std::isfinite(t.data()[k]) || (variance && t.data()[k] < 0))
        rd.fail("is corrupt: tensor " + std::to_string(i) + " (" + tensors[i].name + ") holds " +
                std::to_string(t.data()[k]) + " at index " + std::to_string(k) + (variance ? ", a variance must be finite and ≥ 0" : ", not a finite number"));
  }
  if (rd.pos() != bytes.size() - 4)
    rd.fail("is corrupt: " + std::to_string(bytes.size() - 4 - rd.pos()) + " unexpected bytes after the last tensor");
  m.net.set_training(false);
  return m;
}

}  // namespace nn
