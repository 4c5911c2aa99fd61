// The page's behaviour: plain JavaScript against the function app's own API (paths relative to /api/). A function
// key (a service key, docs/access.md), where the API asks for one, is kept in sessionStorage for this tab and sent as x-functions-key, images too:
// no key ever goes into a URL.
"use strict";

const keyStorage = "facefunctions-key";
const state = { facets: [], photo: null, source: null };
const $ = id => document.getElementById(id);

/** An answer the API refused: its problem details' title and detail, for a person to read. */
class ApiError extends Error {
  constructor(title, detail, status) {
    super(detail ? `${title} ${detail}` : title);
    this.status = status;
  }
}

async function call(path, init = {}) {
  const headers = new Headers(init.headers || {});
  const key = sessionStorage.getItem(keyStorage);
  if (key) headers.set("x-functions-key", key);
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  if (response.status === 401) {
    showKeyForm(key ? "That key was refused; enter another." : "");
    throw new ApiError("This deployment needs a service key.", "Enter it above.", 401);
  }
  throw await problemOf(response);
}

/** A POST of a JSON body. */
function postJson(path, body) {
  return call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function problemOf(response) {
  let title = `${response.status} ${response.statusText}`.trim();
  let detail = "";
  if ((response.headers.get("content-type") || "").includes("json")) {
    try {
      const problem = await response.json();
      title = problem.title || title;
      detail = problem.detail || "";
    } catch { /* a body that is not JSON: the status line says enough */ }
  }
  return new ApiError(title, detail, response.status);
}

/** Runs one request for a section: its status says it is working, its alert shows what went wrong. */
async function working(section, work) {
  const status = $(`${section}-status`), error = $(`${section}-error`), results = $(`${section}-results`);
  error.textContent = "";
  status.textContent = "Working…";
  results.setAttribute("aria-busy", "true");
  try {
    await work(results);
    status.textContent = "";
  } catch (e) {
    status.textContent = "";
    error.textContent = e.message;
  } finally {
    results.removeAttribute("aria-busy");
  }
}

function showKeyForm(message) {
  $("key-section").hidden = false;
  $("key-error").textContent = message;
  $("key-input").focus();
}

async function loadLabels() {
  const labels = await (await call("labels")).json();
  state.facets = labels.facets;
  $("model").textContent = `Model ${labels.modelVersion}: ${labels.facets.map(f => `${f.values.length} ${f.name} values`).join(", ")}.`;
  $("key-section").hidden = true;
  renderFacets();
}

function option(value, text) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = text;
  return element;
}

function select(id, label, values) {
  const element = document.createElement("select");
  element.id = id;
  element.append(option("", label), ...values.map(v => option(v.value, v.value)));
  return element;
}

function labelled(control, text) {
  const label = document.createElement("label");
  label.htmlFor = control.id;
  label.textContent = text;
  const row = document.createElement("div");
  row.className = "row";
  row.append(label, control);
  return row;
}

function renderFacets() {
  const container = $("facets");
  container.replaceChildren(...state.facets.map(facet => {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = facet.name;
    const weight = document.createElement("input");
    Object.assign(weight, { id: `weight-${facet.name}`, type: "number", min: "0.1", max: "5", step: "0.1", value: "1" });
    fieldset.append(legend,
      labelled(select(`add-${facet.name}`, "(none)", facet.values), "Add"),
      labelled(weight, "Weight"),
      labelled(select(`subtract-${facet.name}`, "(none)", facet.values), "Subtract"));
    return fieldset;
  }));
  $("transform-facet").replaceChildren(...state.facets.map(f => option(f.name, f.name)));
  renderTransformValues();
  renderGalleryLabels();
}

/** One text field per facet, offering the values the model knows and taking new ones. */
function renderGalleryLabels() {
  $("gallery-labels").replaceChildren(...state.facets.map(facet => {
    const input = document.createElement("input");
    Object.assign(input, { id: `label-${facet.name}`, type: "text", maxLength: 128, autocomplete: "off" });
    const known = document.createElement("datalist");
    known.id = `known-${facet.name}`;
    known.append(...facet.values.map(v => option(v.value, v.value)));
    input.setAttribute("list", known.id);
    const row = labelled(input, facet.name);
    row.append(known);
    return row;
  }));
}

async function addToGallery(list) {
  const labels = {};
  for (const facet of state.facets) {
    const value = $(`label-${facet.name}`).value.trim();
    if (value) labels[facet.name] = value;
  }
  const form = new FormData();
  form.append("image", state.photo, state.photo.name || "photo");
  form.append("labels", new Blob([JSON.stringify(labels)], { type: "application/json" }));
  const reference = $("gallery-reference").value.trim();
  if (reference) form.append("reference", reference);
  const added = await (await call("gallery/form?wholeImage=true", { method: "POST", body: form })).json();
  await loadLabels();
  list.append(addedItem(added));
  await loadImage(list.lastElementChild.querySelector("img"), added.image);
}

/** An added image with the button that erases it again. */
function addedItem(added) {
  const item = document.createElement("li");
  item.dataset.id = added.id;
  const labels = describe(added.labels) || "no labels";
  const image = document.createElement("img");
  image.alt = `Added: ${labels}`;
  const text = document.createElement("p");
  text.textContent = `Added as ${added.id} (${labels})`;
  const erase = document.createElement("button");
  erase.type = "button";
  erase.className = "secondary";
  erase.textContent = "Erase it";
  erase.setAttribute("aria-label", `Erase ${added.id} from the gallery`);
  erase.addEventListener("click", () => working("gallery", async () => {
    await call(`gallery/${encodeURIComponent(added.id)}`, { method: "DELETE" });
    if (image.src.startsWith("blob:")) URL.revokeObjectURL(image.src);
    item.remove();
    await loadLabels();
  }));
  item.append(image, text, erase);
  return item;
}

function renderTransformValues() {
  const facet = state.facets.find(f => f.name === $("transform-facet").value);
  $("transform-value").replaceChildren(...(facet ? facet.values.map(v => option(v.value, v.value)) : []));
}

/** The compose body the form describes. */
function composeQuery() {
  const add = {}, subtract = {};
  for (const facet of state.facets) {
    const value = $(`add-${facet.name}`).value, weight = Number($(`weight-${facet.name}`).value) || 1;
    if (value) add[facet.name] = weight === 1 ? value : { [value]: weight };
    const minus = $(`subtract-${facet.name}`).value;
    if (minus) subtract[facet.name] = minus;
  }
  return { add, subtract, k: Number($("compose-k").value) || 8 };
}

/** "person AK, expression HA": an image's labels for people to read. */
function describe(labels) {
  return Object.entries(labels).map(([facet, value]) => `${facet} ${value}`).join(", ");
}

/** Shows a new object URL in an image, releasing the one it showed before. */
function showBlob(image, blob) {
  if (image.src.startsWith("blob:")) URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(blob);
}

async function showResults(list, answer, wanted) {
  list.querySelectorAll("img[src^='blob:']").forEach(image => URL.revokeObjectURL(image.src));
  list.replaceChildren(...answer.results.map(result => resultItem(result, wanted)));
  await Promise.all(answer.results.map((result, i) => loadImage(list.children[i].querySelector("img"), result.image)));
}

function resultItem(result, wanted) {
  const item = document.createElement("li");
  const labels = describe(result.labels);
  const right = wanted && Object.keys(wanted).length > 0 && Object.entries(wanted).every(([f, v]) => result.labels[f] === v);
  if (right) item.classList.add("right");
  const image = document.createElement("img");
  image.alt = `${labels}, score ${result.score.toFixed(3)}`;
  const text = document.createElement("p");
  text.textContent = `${labels} · ${result.score.toFixed(3)}`;
  if (right) {
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = " ✓ asked for";
    text.append(mark);
  }
  const change = document.createElement("button");
  change.type = "button";
  change.className = "secondary";
  change.textContent = "Change a facet";
  change.setAttribute("aria-label", `Change a facet of ${result.id} (${labels})`);
  change.addEventListener("click", () => chooseSource({ kind: "image", id: result.id, labels: result.labels }));
  item.dataset.id = result.id;
  item.append(image, text, change);
  return item;
}

/** Images come through fetch with the key header, then show as object URLs. */
async function loadImage(element, path) {
  try {
    const blob = await (await call(path.replace(/^\/api\//, ""))).blob();
    showBlob(element, blob);
  } catch (e) {
    element.alt += ` (image not loaded: ${e.message})`;
  }
}

function chooseSource(source) {
  state.source = source;
  $("transform-section").hidden = false;
  $("transform-source").textContent = source.kind === "photo"
    ? "From your photo (its current value is predicted by the model)."
    : `From ${source.id} (${describe(source.labels)}).`;
  $("transform-results").replaceChildren();
  $("transform-facet").focus();
}

async function transform(list) {
  const facet = $("transform-facet").value, value = $("transform-value").value, source = state.source;
  const wanted = source.kind === "image" ? { ...source.labels, [facet]: value } : { [facet]: value };
  let response;
  if (source.kind === "image") {
    const query = { imageId: source.id, subtract: { [facet]: source.labels[facet] }, add: { [facet]: value }, k: 8 };
    response = await postJson("compose", query);
  } else {
    const form = new FormData();
    form.append("query", new Blob([JSON.stringify({ subtractPredicted: [facet], add: { [facet]: value }, k: 8 })], { type: "application/json" }));
    form.append("image", state.photo, state.photo.name || "photo");
    response = await call("compose/form", { method: "POST", body: form });
  }
  await showResults(list, await response.json(), wanted);
}

async function search(list) {
  const file = state.photo;
  const response = await call("search?k=8", {
    method: "POST", headers: { "content-type": file.type || "application/octet-stream" }, body: file,
  });
  await showResults(list, await response.json(), null);
}

function choosePhoto() {
  const file = $("photo").files[0];
  if (!file) return;
  state.photo = file;
  showBlob($("photo-preview"), file);
  $("photo-figure").hidden = false;
  $("gallery-section").hidden = false;
  working("search", search);
}

function start() {
  $("key-form").addEventListener("submit", event => {
    event.preventDefault();
    sessionStorage.setItem(keyStorage, $("key-input").value.trim());
    // A refused key has already said so beside the form (call shows it); anything else is said here.
    loadLabels().catch(e => { if (e.status !== 401) $("key-error").textContent = e.message; });
  });
  $("compose-form").addEventListener("submit", event => {
    event.preventDefault();
    const query = composeQuery();
    working("compose", async list => {
      const response = await postJson("compose", query);
      await showResults(list, await response.json(), query.add && Object.fromEntries(
        Object.entries(query.add).map(([f, v]) => [f, typeof v === "string" ? v : Object.keys(v)[0]])));
    });
  });
  $("photo").addEventListener("change", choosePhoto);
  $("photo-transform").addEventListener("click", () => chooseSource({ kind: "photo" }));
  $("transform-facet").addEventListener("change", renderTransformValues);
  $("gallery-form").addEventListener("submit", event => {
    event.preventDefault();
    working("gallery", addToGallery);
  });
  $("transform-form").addEventListener("submit", event => {
    event.preventDefault();
    working("transform", transform);
  });
  loadLabels().catch(e => { $("compose-error").textContent = e.message; });
}

start();
