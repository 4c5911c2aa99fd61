// Sample queries against a running FaceFunctions API, and a smoke test of it:
//   node scripts/sample-queries.mjs http://127.0.0.1:7071 [--check-answers]
// FUNCTIONS_KEY, where set, is sent as x-functions-key (a deployed function app). Exits 1 when a status is not the
// one a working deployment gives, and with --check-answers also when a composition's first result lacks the values it
// was composed of (a quick look at a model trained for two epochs may well miss).
const base = process.argv[2] ?? "http://127.0.0.1:7071";
const checkAnswers = process.argv.includes("--check-answers");
const key = process.env.FUNCTIONS_KEY ? { "x-functions-key": process.env.FUNCTIONS_KEY } : {};
const failures = [];

async function call(method, path, body, type = "application/json", expected = 200) {
  const response = await fetch(base + path, {
    method,
    headers: { ...key, ...(body ? { "content-type": type } : {}) },
    body: body && type === "application/json" ? JSON.stringify(body) : body,
  });
  const text = await response.text();
  if (response.status !== expected) failures.push(`${method} ${path}: ${response.status}, expected ${expected}`);
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** Ends the run with the answers that were not as expected, if any. */
function stopOnFailures() {
  if (!failures.length) return;
  console.error("\nNot as a working deployment answers:\n  " + failures.join("\n  "));
  process.exit(1);
}

function show(title, { status, json }) {
  console.log(`\n${title} -> ${status}`);
  if (json?.results) {
    for (const r of json.results)
      console.log(`  ${r.id.padEnd(14)} ${JSON.stringify(r.labels).padEnd(40)} score ${r.score.toFixed(4)}`);
  } else {
    console.log("  " + JSON.stringify(json));
  }
}

for (let i = 0; ; i++) {
  try {
    if ((await fetch(base + "/api/health", { headers: key })).ok) break;
  } catch { /* not listening yet */ }
  if (i === 120) throw new Error("the API did not become healthy within 60 s");
  await new Promise((resolve) => setTimeout(resolve, 500));
}

show("GET /api/health", await call("GET", "/api/health"));
const labels = await call("GET", "/api/labels");
show("GET /api/labels", labels);
stopOnFailures(); // nothing to compose without the labels
const [first, second] = labels.json.facets;
const a = first.values[0].value, b = second.values[3].value, c = second.values[6].value;

const composed = await call("POST", "/api/compose", { add: { [first.name]: a, [second.name]: b }, k: 5 });
show(`POST /api/compose ${first.name}=${a} + ${second.name}=${b}`, composed);
const top = composed.json?.results?.[0]?.labels ?? {};
if (checkAnswers && (top[first.name] !== a || top[second.name] !== b))
  failures.push(`compose ${a} + ${b}: the first result is ${JSON.stringify(top)}`);
stopOnFailures(); // the queries below start from that result

const start = composed.json.results[0];
show(`POST /api/compose ${start.id} - ${second.name}=${start.labels[second.name]} + ${second.name}=${c}`,
  await call("POST", "/api/compose", {
    imageId: start.id, subtract: { [second.name]: start.labels[second.name] }, add: { [second.name]: c }, k: 5,
  }));

const png = new Uint8Array(await (await fetch(base + `/api/images/${encodeURIComponent(start.id)}`, { headers: key })).arrayBuffer());
show(`POST /api/search with the image of ${start.id}`, await call("POST", "/api/search?k=5", png, "image/png"));
show("POST /api/compose with an unknown value (a problem-details error)",
  await call("POST", "/api/compose", { add: { [first.name]: "nobody" } }, "application/json", 400));
stopOnFailures();
