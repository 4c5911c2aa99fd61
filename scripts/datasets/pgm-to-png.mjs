// Converts the CMU Face Images' PGM files (8-bit, ASCII P2 as the archive holds them, or binary P5) to greyscale PNG, which the training job reads, and writes
// the dataset's manifest.csv. Every byte of the source is treated as hostile: a file that is not a well-formed PGM image
// of the set's size is reported and left out. Usage: node pgm-to-png.mjs SOURCE_DIR TARGET_DIR
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: node pgm-to-png.mjs SOURCE_DIR TARGET_DIR");
  process.exit(2);
}

// <userid>_<pose>_<expression>_<eyes>.pgm at full resolution (the _2 and _4 copies are smaller). Some copies on the
// web carry a numeric prefix; .bad files are the set's own glitches and stay out.
const name = /^\d*([a-z0-9]+)_(straight|left|right|up)_(neutral|happy|sad|angry)_(open|sunglasses)\.pgm$/;
const width = 128, height = 120;
// The set's 16 glitched photos (its .bad files); some copies on the web renamed them .pgm.
const glitched = new Set(["choon_left_angry_sunglasses", "danieln_straight_happy_sunglasses", "glickman_right_sad_open",
  "glickman_straight_angry_open", "karyadi_right_happy_sunglasses", "kawamura_up_happy_open", "megak_straight_sad_sunglasses",
  "megak_up_sad_sunglasses", "mitchell_right_angry_sunglasses", "mitchell_straight_angry_open", "mitchell_up_happy_sunglasses",
  "mitchell_up_neutral_sunglasses", "phoebe_left_angry_open", "sz24_left_neutral_sunglasses", "tammo_right_happy_open",
  "tammo_right_sad_open"]);

function* files(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** The pixels of an 8-bit P2 or P5 image of the set's size, or a reason it is not one. */
function readPgm(bytes) {
  let at = 0;
  const token = () => {
    for (;;) {
      while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at]))) at++;
      if (bytes[at] !== 0x23) break; // '#': a comment to the end of the line
      while (at < bytes.length && bytes[at] !== 0x0a) at++;
    }
    const start = at;
    while (at < bytes.length && at - start < 8 && !/\s/.test(String.fromCharCode(bytes[at]))) at++;
    return bytes.subarray(start, at).toString("ascii");
  };
  const magic = token();
  if (magic !== "P2" && magic !== "P5") return { reason: "not a PGM (P2 or P5)" };
  const [w, h, max] = [token(), token(), token()].map(Number);
  if (w !== width || h !== height) return { reason: `${w}x${h}, not ${width}x${height}` };
  if (!(max > 0 && max < 256)) return { reason: `maximum value ${max} is not 8-bit` };
  if (magic === "P5") {
    const pixels = bytes.subarray(at + 1, at + 1 + w * h);
    return pixels.length === w * h ? { pixels, max } : { reason: "truncated" };
  }
  const pixels = Buffer.alloc(w * h);
  for (let i = 0; i < pixels.length; i++) {
    const value = token();
    if (!/^\d{1,3}$/.test(value) || Number(value) > max) return { reason: value ? `pixel ${i} is '${value}'` : "truncated" };
    pixels[i] = Number(value);
  }
  return { pixels, max };
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png({ pixels, max }) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height); // each row: filter type 0, then its pixels scaled to 0-255
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      rows[y * (width + 1) + 1 + x] = Math.min(255, Math.round((pixels[y * width + x] * 255) / max));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

mkdirSync(target, { recursive: true });
const rows = [];
const problems = [];
for (const path of [...files(source)].sort()) {
  const match = name.exec(path.split("/").pop());
  if (!match || statSync(path).size > 1 << 20) continue;
  const [, person, pose, expression, eyes] = match;
  if (glitched.has(`${person}_${pose}_${expression}_${eyes}`)) continue;
  const image = readPgm(readFileSync(path));
  if (image.reason) {
    problems.push(`${path}: ${image.reason}`);
    continue;
  }
  const file = `${person}_${pose}_${expression}_${eyes}.png`;
  if (rows.some((row) => row.file === file)) continue; // the same photo twice in a copy
  mkdirSync(join(target, person), { recursive: true });
  const bytes = png(image);
  writeFileSync(join(target, person, file), bytes);
  rows.push({ file, person, expression, sha256: createHash("sha256").update(image.pixels).digest("hex") });
}
rows.sort((a, b) => (a.file < b.file ? -1 : 1));
const manifest = ["path,person,expression,sha256", ...rows.map((r) => `${r.person}/${r.file},${r.person},${r.expression},${r.sha256}`)];
writeFileSync(join(target, "manifest.csv"), manifest.join("\n") + "\n");
for (const problem of problems.slice(0, 5)) console.error(`left out ${problem}`);
const digest = createHash("sha256").update(rows.map((r) => r.sha256).join("\n")).digest("hex");
console.log(JSON.stringify({ images: rows.length, persons: new Set(rows.map((r) => r.person)).size,
  expressions: new Set(rows.map((r) => r.expression)).size, left_out: problems.length, pixels_sha256: digest }));
