/// @file model_io.cpp
/// @brief The model file format (see model_io.hpp for the layout).
#include "nn/data/model_io.hpp"

#include <boost/crc.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
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

std::string describe(Layer<float>& layer) {
  std::ostringstream os;
  os.precision(9);
  if (auto* d = dynamic_cast<Dense<float>*>(&layer)) {
    os << "Dense " << d->inputs() << " " << d->outputs();
  } else if (auto* c = dynamic_cast<Conv2d<float>*>(&layer)) {
    const Shape& w = c->weights().shape();
    os << "Conv2d " << w[1] << " " << w[0] << " " << w[2] << " " << w[3] << " " << c->spec().stride << " "
       << c->spec().pad;
  } else if (auto* p = dynamic_cast<MaxPool2d<float>*>(&layer)) {
    const PoolSpec& s = p->spec();
    os << "MaxPool2d " << s.k_h << " " << s.k_w << " " << s.s_h << " " << s.s_w;
  } else if (auto* a = dynamic_cast<Activation<float>*>(&layer)) {
    os << "Activation " << to_string(a->function());
  } else if (dynamic_cast<Flatten<float>*>(&layer)) {
    os << "Flatten";
  } else if (auto* b2 = dynamic_cast<BatchNorm2d<float>*>(&layer)) {
    os << "BatchNorm2d " << b2->gamma().size() << " " << b2->eps() << " " << b2->momentum();
  } else if (auto* b1 = dynamic_cast<BatchNorm1d<float>*>(&layer)) {
    os << "BatchNorm1d " << b1->gamma().size() << " " << b1->eps() << " " << b1->momentum();
  } else {
    throw std::invalid_argument("save_model: the format has no entry for layer " + layer.name());
  }
  return os.str();
}

/// Adds the layer a header line describes. `declared` sums the parameter values the layers
/// so far hold; a layer is refused before it is built if the file is too short to hold them
/// (a corrupt "Dense 200000 200000" must not allocate 160 GB first).
void add_layer(Sequential<float>& net, const std::string& line, const Reader& rd, double& declared) {
  std::istringstream is(line);
  std::string kind;
  is >> kind;
  auto bad = [&]() { rd.fail("is corrupt: cannot read the layer line '" + line + "'"); };
  auto budget = [&](double values) {
    declared += values;
    if (declared * sizeof(float) > double(rd.end()))
      rd.fail("is corrupt: its layers up to '" + line + "' hold " + std::to_string(std::uint64_t(declared)) +
              " parameter values, more than its " + std::to_string(rd.end()) + " bytes can store");
  };
  auto sz = [&]() {
    long long v = -1;
    if (!(is >> v) || v < 0 || v > (1LL << 32)) bad();
    return std::size_t(v);
  };
  auto real = [&]() {
    double v = 0;
    if (!(is >> v)) bad();
    return v;
  };
  try {
    if (kind == "Dense") {
      const std::size_t n = sz(), m = sz();
      budget(double(n) * double(m) + double(m));  // W and b
      net.add<Dense<float>>(n, m);
    } else if (kind == "Conv2d") {
      const std::size_t C = sz(), Cp = sz(), kh = sz(), kw = sz(), s = sz(), p = sz();
      budget(double(Cp) * double(C) * double(kh) * double(kw) + double(Cp));  // W and b
      net.add<Conv2d<float>>(C, Cp, kh, kw, ConvSpec{s, p});
    } else if (kind == "MaxPool2d") {
      const std::size_t kh = sz(), kw = sz(), sh = sz(), sw = sz();
      net.add<MaxPool2d<float>>(PoolSpec{kh, kw, sh, sw});
    } else if (kind == "Activation") {
      std::string f;
      is >> f;
      if (f == "sigmoid") net.add<Activation<float>>(ActivationFunction::sigmoid);
      else if (f == "tanh") net.add<Activation<float>>(ActivationFunction::tanh);
      else if (f == "relu") net.add<Activation<float>>(ActivationFunction::relu);
      else bad();
    } else if (kind == "Flatten") {
      net.add<Flatten<float>>();
    } else if (kind == "BatchNorm2d") {
      const std::size_t C = sz();
      const double eps = real(), mom = real();
      budget(4.0 * double(C));  // γ, β and the running mean and variance
      net.add<BatchNorm2d<float>>(C, float(eps), float(mom));
    } else if (kind == "BatchNorm1d") {
      const std::size_t C = sz();
      const double eps = real(), mom = real();
      budget(4.0 * double(C));
      net.add<BatchNorm1d<float>>(C, float(eps), float(mom));
    } else {
      rd.fail("names a layer type this build does not know: '" + kind + "'");
    }
  } catch (const shape_error& e) {
    rd.fail("is corrupt: layer line '" + line + "' is not a valid layer (" + e.what() + ")");
  }
  std::string extra;
  if (is >> extra) bad();
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
      add_layer(m.net, line.substr(6), rd, declared);
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
