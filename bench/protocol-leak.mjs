// How the seed and experiment protocols leak (docs/accuracy.md, "Protocols"): random non-negative unit vectors, one
// per cell of a persons x expressions grid, facet vectors the unit-length element-wise median of each value's
// vectors, query l2norm(person + expression) against the same vectors; prints the top-1 over every cell.
//   node bench/protocol-leak.mjs PERSONS EXPRESSIONS DIMENSIONS [SEED]     e.g. 10 7 1280 (a JAFFE-shaped grid)
const [persons, expressions, dimensions, seed = 1] = process.argv.slice(2).map(Number);
let state = seed >>> 0;
const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32); // a seeded LCG
const unit = (v) => { const n = Math.hypot(...v); return v.map((x) => x / n); };
const median = (vectors) => unit(vectors[0].map((_, i) => {
  const c = vectors.map((v) => v[i]).sort((a, b) => a - b);
  return c.length % 2 ? c[(c.length - 1) / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
}));
const gallery = [];
for (let p = 0; p < persons; p++) for (let e = 0; e < expressions; e++) gallery.push({ p, e, v: unit(Array.from({ length: dimensions }, random)) });
let hits = 0;
for (const cell of gallery) {
  const person = median(gallery.filter((g) => g.p === cell.p).map((g) => g.v));
  const expression = median(gallery.filter((g) => g.e === cell.e).map((g) => g.v));
  const query = unit(person.map((x, i) => x + expression[i]));
  const best = gallery.reduce((a, g) => { const s = g.v.reduce((t, x, i) => t + x * query[i], 0); return s > a.s ? { g, s } : a; }, { s: -Infinity }).g;
  if (best === cell) hits++;
}
console.log(`${persons} x ${expressions} cells, ${dimensions}-d random vectors: top-1 ${(hits / gallery.length).toFixed(3)}`);
