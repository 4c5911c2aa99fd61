// Summarises bench/results/*.json (report.json of each run) as Markdown tables: node bench/summarize.mjs bench/results
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2] ?? "bench/results";
// Other benchmarks (bench pgvector, ...) keep their JSON here too: a training run's report is the one with a seed protocol.
const runs = readdirSync(folder).filter((f) => f.endsWith(".json")).sort().map((f) => {
  const report = JSON.parse(readFileSync(join(folder, f), "utf8"));
  const logFile = join(folder, f.replace(/\.json$/, ".log"));
  const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  const wall = Number((log.match(/wall seconds[^:]*: (\d+)/) ?? [])[1] ?? NaN);
  return { name: f.replace(/\.json$/, ""), report, wall };
}).filter((run) => run.report.seed_protocol);

const groups = new Map();
for (const run of runs) {
  const key = run.name.replace(/-s\d+(?=$|-)/, "");
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(run);
}

const stat = (values) => {
  const v = values.filter((x) => x !== undefined && x !== null && !Number.isNaN(x));
  if (v.length === 0) return "n/a";
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length === 1) return mean.toFixed(3);
  return `${mean.toFixed(3)} (${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)})`;
};
// " (top-1 with pixel-identical copies counted either way)" where any of the results reports it, else nothing.
const duplicatesEitherWay = (results, protocol) => {
  const values = results.map((r) => r?.[protocol]?.top1_duplicates_either_way);
  return values.some((v) => v != null) ? ` (${stat(values)})` : "";
};

console.log("| configuration | seeds | facet vectors | seed_protocol top-1 (duplicates either way) | unseen_images P@1 / mAP | unseen_combinations P@1 (duplicates either way) / mAP | transform P@1 (duplicates either way) | train s | images/s | peak MB |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const [key, rs] of groups) {
  const get = (protocol, field) => rs.map((r) => r.report[protocol]?.[field]);
  const eitherWay = (protocol) => duplicatesEitherWay(rs.map((r) => r.report), protocol);
  console.log(`| ${key} | ${rs.length} | ${rs[0].report.facet_vectors ?? "median"} | ${stat(get("seed_protocol", "top1"))}${eitherWay("seed_protocol")} | ${stat(get("unseen_images", "top1"))} / ${stat(get("unseen_images", "mean_average_precision"))} | ` +
    `${stat(get("unseen_combinations", "top1"))}${eitherWay("unseen_combinations")} / ${stat(get("unseen_combinations", "mean_average_precision"))} | ${stat(get("transform", "top1"))}${eitherWay("transform")} | ` +
    `${stat(rs.map((r) => r.report.training.seconds)).replace(/\.\d+/g, "")} | ${stat(rs.map((r) => r.report.training.images_per_second)).replace(/\.\d+/g, "")} | ` +
    `${Math.round(Math.max(...rs.map((r) => r.report.training.peak_working_set_bytes)) / 2 ** 20)} |`);
}

console.log("\nChance (random non-negative unit vectors through the same protocol) and the untrained backbone (BatchNorm statistics re-estimated, no training step), first seed of each configuration:\n");
console.log("| configuration | chance: seed / unseen_images / unseen_combinations / transform | untrained: seed / unseen_images / transform |");
console.log("|---|---|---|");
const f3 = (x) => (x === undefined || x === null ? "n/a" : x.toFixed(3));
for (const [key, rs] of groups) {
  const r = rs[0].report;
  console.log(`| ${key} | ${f3(r.seed_protocol.chance)} / ${f3(r.unseen_images.chance)} / ${f3(r.unseen_combinations.chance)} / ${f3(r.transform.chance)} | ` +
    `${f3(r.untrained.seed_protocol.top1)} / ${f3(r.untrained.unseen_images.top1)} / ${f3(r.untrained.transform.top1)} |`);
}

const experiment = [...groups].filter(([, rs]) => rs.some((r) => r.report.experiment_protocol));
if (experiment.length > 0) {
  console.log("\nThe original experiment's protocol (100 cells drawn at random, each queried against the training images; experiment_protocol in report.json) beside the seed protocol, each with chance (random vectors through the same protocol) and the untrained backbone, mean over seeds:\n");
  console.log("| configuration | seeds | experiment_protocol top-1 | chance | untrained | seed_protocol top-1 | chance | untrained |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [key, rs] of experiment) {
    const get = (part, protocol, field) => rs.map((r) => (part ? r.report[part] : r.report)?.[protocol]?.[field]);
    console.log(`| ${key} | ${rs.length} | ${stat(get(null, "experiment_protocol", "top1"))} | ${stat(get(null, "experiment_protocol", "chance"))} | ` +
      `${stat(get("untrained", "experiment_protocol", "top1"))} | ${stat(get(null, "seed_protocol", "top1"))} | ${stat(get(null, "seed_protocol", "chance"))} | ` +
      `${stat(get("untrained", "seed_protocol", "top1"))} |`);
  }
}

const enrolled = [...groups].filter(([, rs]) => rs.some((r) => r.report.enrolled_values));
if (enrolled.length > 0) {
  console.log("\nEnrolled values (enrolled_values in report.json): persons trained without, enrolled from their images as the API enrols them (the median of their images), then composed with each expression and transformed to and from; medians throughout (what the API composes for a query naming an enrolled value), the enrolled medians beside the learned vectors of the trained values, and the same queries on the model that trained on them, mean over seeds:\n");
  console.log("| configuration | seeds | folds | compose P@1 / mAP: medians throughout | beside learned vectors | trained on | chance | transform P@1: medians throughout | beside learned vectors | trained on | chance |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [key, rs] of enrolled) {
    const get = (protocol, field) => rs.map((r) => r.report.enrolled_values?.[protocol]?.[field]);
    const pair = (protocol) => `${stat(get(protocol, "top1"))} / ${stat(get(protocol, "mean_average_precision"))}`;
    console.log(`| ${key} | ${rs.length} | ${rs[0].report.enrolled_values.folds} | ${pair("compose_with_medians")} | ${pair("compose")} | ` +
      `${pair("trained_compose")} | ${stat(get("compose_with_medians", "chance"))} | ${stat(get("transform_with_medians", "top1"))} | ` +
      `${stat(get("transform", "top1"))} | ${stat(get("trained_transform", "top1"))} | ${stat(get("transform_with_medians", "chance"))} |`);
  }
}

const compared = [...groups].filter(([, rs]) => rs.some((r) => r.report.other_facet_vectors));
if (compared.length > 0) {
  console.log("\nThe same models through the same protocols with the other kind of facet vectors (other_facet_vectors in report.json):\n");
  console.log("| configuration | seeds | facet vectors | seed_protocol top-1 (duplicates either way) | unseen_combinations P@1 (duplicates either way) / mAP | transform P@1 (duplicates either way) |");
  console.log("|---|---|---|---|---|---|");
  for (const [key, rs] of compared) {
    const get = (protocol, field) => rs.map((r) => r.report.other_facet_vectors?.[protocol]?.[field]);
    const eitherWay = (protocol) => duplicatesEitherWay(rs.map((r) => r.report.other_facet_vectors), protocol);
    console.log(`| ${key} | ${rs.length} | ${rs[0].report.other_facet_vectors.facet_vectors} | ${stat(get("seed_protocol", "top1"))}${eitherWay("seed_protocol")} | ` +
      `${stat(get("unseen_combinations", "top1"))}${eitherWay("unseen_combinations")} / ${stat(get("unseen_combinations", "mean_average_precision"))} | ${stat(get("transform", "top1"))}${eitherWay("transform")} |`);
  }
}

const byValue = [...groups].filter(([, rs]) => rs.some((r) => r.report.unseen_combinations?.by_value));
if (byValue.length > 0) {
  console.log("\nHeld-out cells (unseen_combinations) by value: top-1 of the queries whose cell has that value (by_value in report.json), mean over seeds:\n");
  console.log("| configuration | facet | top-1 by value |");
  console.log("|---|---|---|");
  for (const [key, rs] of byValue) {
    const reports = rs.map((r) => r.report.unseen_combinations.by_value).filter((b) => b);
    for (const [facet, values] of Object.entries(reports[0])) {
      const cells = Object.keys(values).sort().map((value) => {
        const top1 = reports.map((b) => b[facet]?.[value]?.top1).filter((x) => x !== undefined);
        return `${value} ${(top1.reduce((a, b) => a + b, 0) / top1.length).toFixed(2)}`;
      });
      console.log(`| ${key} | ${facet} | ${cells.join(", ")} |`);
    }
  }
}
