// Chapter 8 — who is it? Face recognition on a folder of faces, one folder per person (report
// §1.3, "ansiktsigenkänning"): a small CNN of the report's layers is trained with softmax over
// the training people; its penultimate layer, normalised, is an embedding; people are identified
// by the nearest mean embedding and verified ("same person?") by cosine similarity, with the ROC.
//
//   ch08_identities [--faces DIR]        DIR/<person>/<image>.jpg, e.g. LFW: --faces data/lfw
//
// Without --faces it generates a folder of drawn faces and says, in capitals, that the numbers
// are about those and not about real faces.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/apps/embedding.hpp"
#include "nn/data/identities.hpp"
#include "nn/data/image.hpp"
#include "nn/errors.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/files.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

namespace fs = std::filesystem;

//! [constants]
constexpr std::size_t kInput = 32;               // the network's input: 32 × 32 gray
constexpr std::size_t kRealMinImages = 10;       // a real folder: people with at least 10 images (two probes each)
constexpr std::size_t kRealMaxImages = 40;       // and at most 40 of each (LFW has 530 of one man)
constexpr std::size_t kGeneratedMinImages = 4;   // generated people all have enough
//! [constants]

/// A person's name as the figure's 3×5 font can draw it: lower case, '_' as a space, cut to fit.
std::string drawable(std::string name, std::size_t max_chars) {
  for (char& c : name) c = c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
  return name.size() > max_chars ? name.substr(0, max_chars) : name;
}

nn::Rgb rgb(const std::string& hex) {
  const long v = long(nn::rgb_number(hex));
  return nn::Rgb{float((v >> 16) & 0xff) / 255.0f, float((v >> 8) & 0xff) / 255.0f, float(v & 0xff) / 255.0f};
}

/// Image n of the set as a gray tensor (1, 1, S, S).
nn::Tensor<float> image_of(const nn::IdentitySet& set, std::size_t n) {
  const std::size_t S = set.images.dim(2);
  nn::Tensor<float> im(nn::Shape{1, 1, S, S});
  std::copy_n(set.images.data() + n * S * S, S * S, im.data());
  return im;
}

/// A probe of the figure, the person it was identified as, and an image of that person.
struct Shown {
  std::size_t probe;   // image index of the probe
  int person;          // the person found
  double similarity;   // cosine with that person's mean embedding
  std::size_t match;   // the first gallery image of that person
};

/// `count` of the probes, spread evenly over them, with what identify_by_class_mean() found.
std::vector<Shown> pick(const nn::IdentitySet& set, const std::vector<std::size_t>& probes, const nn::Identification& id,
                        const std::vector<std::size_t>& gallery, std::size_t count) {
  std::vector<Shown> out;
  count = std::min(count, probes.size());
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t q = k * probes.size() / count;
    Shown s{probes[q], id.predicted[q], id.similarity[q], gallery.front()};
    for (std::size_t g : gallery)
      if (set.labels[g] == s.person) {
        s.match = g;
        break;
      }
    out.push_back(s);
  }
  return out;
}

/// Probes beside the first gallery image of the person each was identified as: a sky-blue solid
/// frame when that is the right person, an orange dashed one when not; the name and cosine below.
/// Three pairs a row.
fs::path probes_figure(const fs::path& path, const nn::IdentitySet& set, const std::vector<Shown>& shown) {
  const std::size_t S = set.images.dim(2), zoom = 3, gap = 6, text = 14, cols = 3;
  const std::size_t tile = S * zoom, cell_w = 2 * tile + 2, cell_h = tile + text;
  const std::size_t rows = (shown.size() + cols - 1) / cols;
  nn::Tensor<float> canvas(nn::Shape{1, 3, rows * (cell_h + gap) + gap, cols * (cell_w + gap) + gap}, 1.0f);
  const nn::Rgb right = rgb(nn::series_colour(5)), wrong = rgb(nn::series_colour(1)), ink = rgb("#ffffff");
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const Shown& p = shown[k];
    const std::size_t x = gap + (k % cols) * (cell_w + gap), y = gap + (k / cols) * (cell_h + gap);
    nn::paste(canvas, nn::gray_to_rgb(image_of(set, p.probe), zoom), x, y);
    nn::Tensor<float> match = nn::gray_to_rgb(image_of(set, p.match), zoom);
    const bool ok = p.person == set.labels[p.probe];
    nn::draw_box(match, nn::Box{0, 0, double(tile), double(tile)}, ok ? right : wrong, 3, ok ? 0 : 8);
    nn::paste(canvas, match, x + tile + 2, y);
    const std::string label = (boost::format("%s %.2f") % drawable(set.names[std::size_t(p.person)], 16) % p.similarity).str();
    nn::draw_text(canvas, int(x), int(y + tile + 3), label, ink, 2);
  }
  nn::save_png(path, canvas);
  return path;
}

fs::path roc_figure(const fs::path& out, const nn::IdentityResults& r, bool real) {
  nn::Figure f(out, "ch08_identities_roc", 640, 520);
  f.set(std::string("title 'Verification: same person? (") + (real ? "your folder" : "GENERATED faces") + ")'");
  f.set("xlabel 'false-positive rate (pairs of different people called the same)'");
  f.set("ylabel 'true-positive rate (same-person pairs found)'");
  f.set("xrange [0:1]").set("yrange [0:1.02]").set("grid").set("key bottom right opaque box").set("size ratio -1");
  const int diagonal = f.block({{0.0, 1.0}, {0.0, 1.0}});
  std::size_t series = 0;
  const auto curve = [&](const nn::Verification& v, const std::string& what) {
    if (!v.measured) return;
    const int b = f.block({v.roc.fpr, v.roc.tpr});
    const int e = f.block({{v.roc.eer}, {1 - v.roc.eer}});
    f.plot(f.data(b) + (boost::format(" using 1:2 with lines lw 2 %s title '%s: AUC %.3f'") % nn::series_style(series) % what %
                        v.roc.auc)
                           .str());
    f.plot(f.data(e) + (boost::format(" using 1:2 with points pt 7 ps 1.5 %s title 'its equal error rate %.3f'") %
                        nn::series_style(series) % v.roc.eer)
                           .str());
    ++series;
  };
  curve(r.seen_pairs, "probes of trained people");
  curve(r.unseen_pairs, "people never trained on");
  f.plot(f.data(diagonal) + " using 1:2 with lines lw 1 dt 2 lc rgb '#888888' title 'chance (AUC 0.5)'");
  return f.render();
}

int run(int argc, char** argv) {
  fs::path faces;
  nn::ExtraOptions extra;
  extra.folders.push_back({"--faces",
                           "a folder of face images, one folder per person: DIR/<person>/<image>.jpg (e.g. LFW, data/lfw). "
                           "Without it: generated faces",
                           &faces});
  const nn::ChapterArgs args = nn::parse_chapter_args(
      argc, argv, "§1.3: face recognition — an embedding trained on your folder of faces (--faces), or on generated ones", extra);

  // 1. The folder: the user's, or generated faces.
  const bool real = !faces.empty();
  fs::path root = faces;
  std::string source;
  if (real) {
    source = "your folder " + root.string();
  } else {
    // generated data goes with the data (git-ignored), not among the figures; --quick (the tests)
    // keeps it in its own output folder
    root = args.quick ? args.out / "ch08_synthetic_identities" : args.data / "synthetic_identities";
    const std::size_t people = args.quick ? 8 : 40, per_person = args.quick ? 16 : 20;
    nn::write_synthetic_identities(root, people, per_person, args.seed);
    // the printout names the folder by its place in the data (or output) folder, not this machine's path
    source = (boost::format("GENERATED faces (%d people x %d images, drawn from parameters) in %s") % people % per_person %
              (args.quick ? "OUT/ch08_synthetic_identities" : "DATA/synthetic_identities"))
                 .str();
  }
  std::cout << "Data: " << source << "\n";
  if (!real)
    std::cout << "THESE FACES ARE GENERATED, NOT PHOTOGRAPHS: THE NUMBERS BELOW SAY NOTHING ABOUT REAL FACES.\n"
                 "For real faces: ch08_identities --faces DIR (e.g. LFW, see docs/ch08_faces.md).\n";

  //! [read]
  const std::size_t min_images = real ? kRealMinImages : kGeneratedMinImages;
  const std::size_t max_images = real ? kRealMaxImages : 0;
  const nn::IdentitySet set = nn::read_identity_folder(root, kInput, min_images, 0, max_images);
  //! [read]
  std::cout << set.people() << " people, " << set.size() << " images (" << kInput << "×" << kInput
            << " gray, the centre half of each image); skipped " << set.people_skipped << " people with fewer than "
            << min_images << " images (" << set.images_skipped << " images)"
            << (set.files_ignored ? ", ignored " + std::to_string(set.files_ignored) + " file(s) beside the people's folders" : "")
            << "\n";
  if (set.people() < 2)
    throw nn::data_error(root.string() + ": only " + std::to_string(set.people()) + " person has at least " +
                         std::to_string(min_images) + " images; recognition needs at least 2");

  //! [train]
  nn::IdentityTrainingOptions options;
  options.epochs = args.quick ? 20 : 30;
  options.seed = args.seed;
  options.on_epoch = [&](std::size_t e, const nn::EpochStats& s) {
    if (e == 1 || e % 5 == 0 || e == options.epochs)
      std::cout << boost::format("epoch %2d/%d  loss %.4f  training accuracy %5.1f%%\n") % e % options.epochs % s.loss %
                       (100 * s.accuracy);
  };
  nn::IdentityResults r = nn::train_and_evaluate_identities(set, options);
  //! [train]
  const nn::IdentitySplit& s = r.split;
  std::cout << "Network (" << r.net.parameter_count() << " parameters):\n" << r.net.summary(nn::Shape{1, 1, kInput, kInput});

  // 2. The results.
  const std::size_t seen = s.person_of_class.size(), unseen = set.people() - seen;
  std::ostringstream o;
  o << boost::format("%s\n") % (real ? "Faces: " + source : "GENERATED FACES, NOT PHOTOGRAPHS: THIS SAYS NOTHING ABOUT REAL FACES. " + source);
  o << boost::format("Trained on %d people (%d images, %d epochs, %.1f s); held out %d of their images as probes%s.\n") % seen %
           s.train.size() % options.epochs % r.train_seconds % s.probe.size() %
           (r.has_unseen ? (boost::format(", and %d people (%d images) entirely") % unseen %
                            (s.unseen_gallery.size() + s.unseen_probe.size()))
                               .str()
                         : std::string(" (too few people to hold any out entirely)"));
  o << boost::format("Identification of the probes (chance %.1f%%): softmax %.1f%%, nearest mean embedding %.1f%%.\n") %
           (100.0 / double(seen)) % (100 * r.softmax_accuracy) % (100 * r.seen.accuracy);
  if (r.seen_pairs.measured)
    o << boost::format("Verification, pairs of probes (%d same, %d different): AUC %.3f, EER %.1f%%, accuracy %.1f%% at the "
                       "threshold %.3f chosen on training pairs (where it gives %.1f%%).\n") %
             r.seen_pairs.same % r.seen_pairs.different % r.seen_pairs.roc.auc % (100 * r.seen_pairs.roc.eer) %
             (100 * r.seen_pairs.accuracy) % r.threshold % (100 * r.train_pair_accuracy);
  else
    o << "Verification of probes: not measured (no person has two probes: people need at least 8 images).\n";
  if (r.has_unseen) {
    if (!s.unseen_probe.empty())
      o << boost::format("People never trained on: identified among themselves from their other images %.1f%% "
                         "(chance %.1f%%).\n") %
               (100 * r.unseen.accuracy) % (100.0 / double(unseen));
    if (r.unseen_pairs.measured)
      o << boost::format("People never trained on, all pairs of their images (%d same, %d different): AUC %.3f, EER %.1f%%, "
                         "accuracy %.1f%% at the training threshold.\n") %
               r.unseen_pairs.same % r.unseen_pairs.different % r.unseen_pairs.roc.auc % (100 * r.unseen_pairs.roc.eer) %
               (100 * r.unseen_pairs.accuracy);
  }
  o << boost::format("The embedding after the ReLU instead of before it: AUC %.3f on the same %s pairs.\n") % r.auc_after_relu %
           (r.has_unseen ? "unseen people's" : "probe");
  // With m same and n different pairs, a guessing AUC has standard deviation √((m + n + 1)/(12mn))
  // (Mann–Whitney); below 50 same pairs, say how loose the AUCs are.
  const auto& pairs = r.has_unseen && r.unseen_pairs.measured ? r.unseen_pairs : r.seen_pairs;
  if (pairs.measured && pairs.same < 50) {
    const double m = double(pairs.same), n = double(pairs.different);
    o << boost::format("WARNING: only %d same-person pairs; an AUC from so few pairs is loose (a guess scores 0.5 "
                       "+- %.2f).\n") %
             pairs.same % std::sqrt((m + n + 1) / (12 * m * n));
  }
  const std::string result = o.str();
  std::cout << "\n" << result;
  const fs::path txt = args.out / "ch08_identities.txt";
  nn::write_file_atomically(txt, nn::wrap_text(result));
  nn::report_written(txt);

  nn::Facts facts("ch08_identities");
  facts.set_text("data", real ? "folder" : "generated");
  facts.set("people", set.people(), "%d").set("images", set.size(), "%d").set("input", kInput, "%d");
  facts.set("people_skipped", set.people_skipped, "%d");
  facts.set("people_seen", seen, "%d").set("people_unseen", unseen, "%d");
  facts.set("train_images", s.train.size(), "%d").set("probe_images", s.probe.size(), "%d");
  facts.set("unseen_images", s.unseen_gallery.size() + s.unseen_probe.size(), "%d");
  facts.set("epochs", options.epochs, "%d").set("seconds", r.train_seconds, "%.1f");
  facts.set("parameters", r.net.parameter_count(), "%d").set("embedding", options.embedding, "%d");
  facts.set("chance", 100.0 / double(seen), "%.1f");
  facts.set("softmax_accuracy", 100 * r.softmax_accuracy, "%.1f").set("nearest_mean_accuracy", 100 * r.seen.accuracy, "%.1f");
  facts.set("threshold", r.threshold, "%.3f").set("train_pair_accuracy", 100 * r.train_pair_accuracy, "%.1f");
  if (r.seen_pairs.measured) {
    facts.set("auc", r.seen_pairs.roc.auc, "%.3f").set("eer", 100 * r.seen_pairs.roc.eer, "%.1f");
    facts.set("pair_accuracy", 100 * r.seen_pairs.accuracy, "%.1f");
    facts.set("pairs_same", r.seen_pairs.same, "%d").set("pairs_different", r.seen_pairs.different, "%d");
  }
  if (r.has_unseen) {
    facts.set("unseen_chance", 100.0 / double(unseen), "%.1f");
    if (!s.unseen_probe.empty()) facts.set("unseen_identification", 100 * r.unseen.accuracy, "%.1f");
    if (r.unseen_pairs.measured) {
      facts.set("unseen_auc", r.unseen_pairs.roc.auc, "%.3f").set("unseen_eer", 100 * r.unseen_pairs.roc.eer, "%.1f");
      facts.set("unseen_pair_accuracy", 100 * r.unseen_pairs.accuracy, "%.1f");
      facts.set("unseen_pairs_same", r.unseen_pairs.same, "%d").set("unseen_pairs_different", r.unseen_pairs.different, "%d");
    }
  }
  facts.set("auc_after_relu", r.auc_after_relu, "%.3f");
  nn::report_written(facts.save(args.out));

  // 3. Figures: the ROC curves, and some probes with the person found for each.
  nn::report_written(roc_figure(args.out, r, real));
  // two rows of trained-on people's probes, and two of unseen people's if there are any
  std::vector<Shown> shown = pick(set, s.probe, r.seen, s.train, 6);
  if (r.has_unseen && !s.unseen_probe.empty()) {
    const std::vector<Shown> more = pick(set, s.unseen_probe, r.unseen, s.unseen_gallery, 6);
    shown.insert(shown.end(), more.begin(), more.end());
  }
  nn::report_written(probes_figure(args.out / "ch08_identities_probes.png", set, shown));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
