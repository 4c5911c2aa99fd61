// Sample queries against a running FaceFunctions API: node scripts/sample-queries.mjs http://127.0.0.1:7071
const base = process.argv[2] ?? "http://127.0.0.1:7071";

async function call(method, path, body, type = "application/json") {
  const response = await fetch(base + path, {
    method,
    headers: body ? { "content-type": type } : {},
    body: body && type === "application/json" ? JSON.stringify(body) : body,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
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
    if ((await fetch(base + "/api/health")).ok) break;
  } catch { /* not listening yet */ }
  if (i === 120) throw new Error("the API did not become healthy within 60 s");
  await new Promise((resolve) => setTimeout(resolve, 500));
}

show("GET /api/health", await call("GET", "/api/health"));
const labels = await call("GET", "/api/labels");
show("GET /api/labels", labels);
const [first, second] = labels.json.facets;
const a = first.values[0].value, b = second.values[3].value, c = second.values[6].value;

const composed = await call("POST", "/api/compose", { add: { [first.name]: a, [second.name]: b }, k: 5 });
show(`POST /api/compose ${first.name}=${a} + ${second.name}=${b}`, composed);

const start = composed.json.results[0];
show(`POST /api/compose ${start.id} - ${second.name}=${start.labels[second.name]} + ${second.name}=${c}`,
  await call("POST", "/api/compose", {
    imageId: start.id, subtract: { [second.name]: start.labels[second.name] }, add: { [second.name]: c }, k: 5,
  }));

const png = new Uint8Array(await (await fetch(base + `/api/images/${encodeURIComponent(start.id)}`)).arrayBuffer());
show(`POST /api/search with the image of ${start.id}`, await call("POST", "/api/search?k=5", png, "image/png"));
show("POST /api/compose with an unknown value (a problem-details error)",
  await call("POST", "/api/compose", { add: { [first.name]: "nobody" } }));
