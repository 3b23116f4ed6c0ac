/// @file layer.cpp
/// @brief Flatten and Sequential.
#include "nn/layer.hpp"

#include <sstream>
#include <stdexcept>

namespace nn {

template <class T>
Shape Flatten<T>::output_shape(const Shape& in) const {
  if (in.rank() < 2) throw shape_error("Flatten: needs a batch of rank ≥ 2, got " + in.str());
  return Shape{in[0], in.size() / in[0]};
}

template <class T>
const Tensor<T>& Flatten<T>::forward(const Tensor<T>& X) {
  in_shape_ = X.shape();
  Y_.resize(output_shape(X.shape()));
  std::copy(X.begin(), X.end(), Y_.begin());
  return Y_;
}

template <class T>
const Tensor<T>& Flatten<T>::backward(const Tensor<T>& dY) {
  if (dY.size() != in_shape_.size())
    throw shape_error("Flatten backward: δ of shape " + dY.shape().str() + " does not fit the input " + in_shape_.str());
  dX_.resize(in_shape_);
  std::copy(dY.begin(), dY.end(), dX_.begin());
  return dX_;
}

template <class T>
Layer<T>& Sequential<T>::add(std::unique_ptr<Layer<T>> layer) {
  layers_.push_back(std::move(layer));
  activations_.clear(), deltas_.clear();
  return *layers_.back();
}

template <class T>
const Tensor<T>& Sequential<T>::forward(const Tensor<T>& X) {
  activations_.resize(layers_.size() + 1);  // allocates on the first call only
  const Tensor<T>* x = &X;
  activations_[0] = x;
  for (std::size_t l = 0; l < layers_.size(); ++l) activations_[l + 1] = x = &layers_[l]->forward(*x);
  return *x;
}

template <class T>
const Tensor<T>& Sequential<T>::backward(const Tensor<T>& dY) {
  deltas_.resize(layers_.size() + 1);
  const Tensor<T>* d = &dY;
  deltas_[layers_.size()] = d;
  for (std::size_t l = layers_.size(); l-- > 0;) deltas_[l] = d = &layers_[l]->backward(*d);
  return *d;
}

template <class T>
const Tensor<T>& Sequential<T>::activation(std::size_t l) const {
  if (l >= activations_.size())
    throw std::out_of_range("Sequential::activation(" + std::to_string(l) + "): " +
                            (activations_.empty() ? std::string("no forward() since the last layer was added")
                                                  : "the network has X^(0) … X^(" + std::to_string(layers_.size()) + ")"));
  return *activations_[l];
}

template <class T>
const Tensor<T>& Sequential<T>::delta(std::size_t l) const {
  if (l >= deltas_.size())
    throw std::out_of_range("Sequential::delta(" + std::to_string(l) + "): " +
                            (deltas_.empty() ? std::string("no backward() since the last layer was added")
                                             : "the network has δ^(0) … δ^(" + std::to_string(layers_.size()) + ")"));
  return *deltas_[l];
}

template <class T>
std::vector<Parameter<T>> Sequential<T>::parameters() {
  std::vector<Parameter<T>> ps;
  for (auto& l : layers_)
    for (auto& p : l->parameters()) ps.push_back(p);
  return ps;
}

template <class T>
std::vector<Parameter<T>> Sequential<T>::buffers() {
  std::vector<Parameter<T>> bs;
  for (auto& l : layers_)
    for (auto& b : l->buffers()) bs.push_back(b);
  return bs;
}

template <class T>
void Sequential<T>::set_input_gradient(bool needed) {
  if (!layers_.empty()) layers_.front()->set_input_gradient(needed);
}

template <class T>
void Sequential<T>::set_training(bool training) {
  for (auto& l : layers_) l->set_training(training);
}

template <class T>
Shape Sequential<T>::output_shape(const Shape& input) const {
  Shape s = input;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    try {
      s = layers_[i]->output_shape(s);
    } catch (const shape_error& e) {
      throw shape_error("layer " + std::to_string(i) + " (" + layers_[i]->name() + "): " + e.what());
    }
  }
  return s;
}

template <class T>
std::unique_ptr<Sequential<T>> Sequential<T>::clone() const {
  auto copy = std::make_unique<Sequential<T>>();
  for (const auto& l : layers_) {
    auto c = l->clone();
    if (!c) return nullptr;
    copy->layers_.push_back(std::move(c));
  }
  return copy;
}

template <class T>
bool Sequential<T>::mixes_examples() const {
  for (const auto& l : layers_)
    if (l->mixes_examples()) return true;
  return false;
}

template <class T>
bool Sequential<T>::runs_on_shares() const {
  for (const auto& l : layers_)
    if (!l->runs_on_shares()) return false;
  return true;
}

template <class T>
std::size_t Sequential<T>::parameter_count() {
  std::size_t n = 0;
  for (auto& p : parameters()) n += p.value->size();
  return n;
}

template <class T>
std::string Sequential<T>::summary(const Shape& input) {
  std::ostringstream os;
  Shape s = input;
  os << "input " << s.str() << "\n";
  std::size_t total = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    s = layers_[i]->output_shape(s);
    std::size_t n = 0;
    for (auto& p : layers_[i]->parameters()) n += p.value->size();
    total += n;
    os << "  " << i << ": " << layers_[i]->name() << "  → " << s.str() << "  (" << n << " parameters)\n";
  }
  os << "total " << total << " parameters\n";
  return os.str();
}

template class Flatten<float>;
template class Flatten<double>;
template class Sequential<float>;
template class Sequential<double>;

}  // namespace nn
