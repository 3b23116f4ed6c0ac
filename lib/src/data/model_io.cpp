/// @file model_io.cpp
/// @brief The model file format (see model_io.hpp for the layout).
#include "nn/data/model_io.hpp"

#include <boost/crc.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <sstream>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/maxpool2d.hpp"
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

/// What a layer line's arguments are read with: sizes, reals and words, each checked, and the
/// running count of parameter values the layers declare so far.
class LineArgs {
 public:
  LineArgs(const std::string& line, const Reader& rd, double& declared) : is_(line), line_(line), rd_(rd), declared_(declared) {
    is_ >> kind_;
  }
  const std::string& kind() const { return kind_; }
  std::size_t size() {
    long long v = -1;
    if (!(is_ >> v) || v < 0 || v > (1LL << 32)) bad();
    return std::size_t(v);
  }
  double real() {
    double v = 0;
    if (!(is_ >> v)) bad();
    return v;
  }
  std::string word() {
    std::string w;
    if (!(is_ >> w)) bad();
    return w;
  }
  /// A layer is refused before it is built if the file is too short to hold the parameter
  /// values declared so far (a corrupt "Dense 200000 200000" must not allocate 160 GB first).
  void holds(double values) {
    declared_ += values;
    if (declared_ * sizeof(float) > double(rd_.end()))
      rd_.fail("is corrupt: its layers up to '" + line_ + "' hold " + count(declared_) +
               " parameter values, more than its " + std::to_string(rd_.end()) + " bytes can store");
  }
  void end() {
    std::string extra;
    if (is_ >> extra) bad();
  }
  [[noreturn]] void bad() const { rd_.fail("is corrupt: cannot read the layer line '" + line_ + "'"); }

 private:
  std::istringstream is_;
  std::string line_, kind_;
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
  const std::size_t C = a.size();
  const double eps = a.real(), momentum = a.real();
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
         const std::size_t n = a.size(), m = a.size();
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
         const std::size_t C = a.size(), Cp = a.size(), kh = a.size(), kw = a.size(), s = a.size(), p = a.size();
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
         const std::size_t kh = a.size(), kw = a.size(), sh = a.size(), sw = a.size();
         net.add<MaxPool2d<float>>(PoolSpec{kh, kw, sh, sw});
       }},
      {"Activation",
       [](Layer<float>& l) -> std::optional<std::string> {
         auto* f = as<Activation<float>>(l);
         if (!f) return std::nullopt;
         return " " + to_string(f->function());
       },
       [](LineArgs& a, Sequential<float>& net) {
         const std::string f = a.word();
         for (auto fn : {ActivationFunction::sigmoid, ActivationFunction::tanh, ActivationFunction::relu})
           if (f == to_string(fn)) return void(net.add<Activation<float>>(fn));
         a.bad();
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

/// Adds the layer a header line describes. `declared` sums the parameter values the layers
/// so far hold (LineArgs::holds).
void add_layer(Sequential<float>& net, const std::string& line, const Reader& rd, double& declared) {
  LineArgs args(line, rd, declared);
  if (args.kind().empty()) rd.fail("is corrupt: a header line 'layer' names no layer type");
  const LayerFormat* format = nullptr;
  for (const LayerFormat& f : layer_formats())
    if (args.kind() == f.kind) format = &f;
  if (!format) rd.fail("names a layer type this build does not know: '" + args.kind() + "'");
  try {
    format->read(args, net);
  } catch (const shape_error& e) {
    rd.fail("is corrupt: layer line '" + line + "' is not a valid layer (" + e.what() + ")");
  }
  args.end();
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
  if (!std::filesystem::exists(path))
    throw data_error("model file " + file + " does not exist (train one first: the digits chapter's programs save it)");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw data_error("model file " + file + " cannot be opened");
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
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
      if (!(ls >> c >> h >> w) || c <= 0 || h <= 0 || w <= 0) rd.fail("is corrupt: bad input line '" + line + "'");
      m.input = Shape{std::size_t(c), std::size_t(h), std::size_t(w)};
      have_input = true;
    } else if (key == "classes") {
      std::string name;
      while (ls >> name) m.classes.push_back(name);
    } else if (key == "layer") {
      std::string rest;  // what follows the word "layer", wherever the line starts
      std::getline(ls, rest);
      add_layer(m.net, rest, rd, declared);
    } else if (!key.empty()) {
      rd.fail("is corrupt: unknown header line '" + line + "'");
    }
  }
  if (!have_input) rd.fail("is corrupt: the header has no input line");
  if (m.net.size() == 0) rd.fail("is corrupt: the header names no layers");
  try {
    m.net.output_shape(Shape{1, m.input[0], m.input[1], m.input[2]});
  } catch (const shape_error& e) {
    rd.fail(std::string("is mismatched: its layers do not fit its input ") + m.input.str() + ": " + e.what());
  }

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
  }
  if (rd.pos() != bytes.size() - 4)
    rd.fail("is corrupt: " + std::to_string(bytes.size() - 4 - rd.pos()) + " unexpected bytes after the last tensor");
  m.net.set_training(false);
  return m;
}

}  // namespace nn
