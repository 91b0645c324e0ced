// "Acme Projects", the example product of the GuideKit docs, as a small single-page app that loads the SDK
// from the server it runs on. Served by `guidekit serve --demo`; every page path is one the example guides
// target (/home, /projects, /projects/<id>/board, /settings/members …).
import GuideKit from "/sdk/guidekit.js";

const DAY = 86400000;
const ago = (ms) => new Date(Date.now() - ms).toISOString();
const ahead = (ms) => new Date(Date.now() + ms).toISOString();

// Personas after examples/users/, with their dates relative to now so the guides' time rules hold.
const PERSONAS = {
  "new-trial-admin": {
    name: "New trial admin",
    locale: "en-US",
    attributes: { plan: "trial", role: "admin", signed_up_at: ago(30 * 60000), trial_ends_at: ahead(13 * DAY),
        trial_days_left: 13, seats: 3, locale: "en", company_size: "11-50", job_function: "product", email_verified: true },
    account: { industry: "software", employees: 40, region: "us" },
  },
  "japanese-owner": {
    name: "Japanese owner (ja-JP)",
    locale: "ja-JP",
    attributes: { plan: "trial", role: "owner", signed_up_at: ago(10 * 60000), trial_ends_at: ahead(13 * DAY),
        trial_days_left: 13, seats: 5, locale: "ja", company_size: "11-50", job_function: "operations" },
    account: { industry: "construction", employees: 60, region: "jp" },
  },
  "churn-risk-trial": {
    name: "Trial ending soon",
    locale: "en-US",
    attributes: { plan: "trial", role: "owner", signed_up_at: ago(12 * DAY), trial_ends_at: ahead(2 * DAY),
        trial_days_left: 2, seats: 4, locale: "en", company_size: "1-10", tags: ["churn-risk"] },
    account: { industry: "nonprofit", employees: 6, region: "eu" },
  },
  "pro-power-user": {
    name: "Pro power user",
    locale: "en-US",
    events: { board_viewed: 3, project_created: 2 },
    attributes: { plan: "pro", role: "owner", signed_up_at: ago(400 * DAY), seats: 30, locale: "en",
        company_size: "51-200", job_function: "engineering", email_verified: true },
    account: { industry: "software", employees: 120, region: "us", integrations: ["github", "slack"] },
  },
};

const main = document.getElementById("main");
const log = document.getElementById("log");
const personaSelect = document.getElementById("persona");
const languageSelect = document.getElementById("language");
const state = { projects: [{ id: "platform", name: "Platform" }], tasks: ["Write the brief", "Review designs"], view: "board" };

function note(text) {
  const line = document.createElement("div");
  line.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  log.prepend(line);
  while (log.childNodes.length > 40) log.lastChild.remove();
}

function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function navigate(path) {
  history.pushState({}, "", path);
  route();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
addEventListener("popstate", route);

function track(name) {
  note(`track ${name}`);
  GuideKit.track(name);
}

const pages = {
  home: () => [
    h("h1", {}, "Home"),
    h("p", {}, "Your team's work in one place: projects, tasks and boards."),
    h("div", { class: "cards" },
      ...state.projects.map((p) => h("div", { class: "card" }, h("a", { href: `/projects/${p.id}/board`, "data-link": "" }, p.name)))),
  ],
  projects: (picking) => {
    const picker = h("div", { class: "picker", "data-tour": "template-picker" },
      ...["Blank", "Kanban", "Sprint"].map((template) =>
        h("button", { type: "button", onclick: () => {
          const id = `p${state.projects.length + 1}`;
          state.projects.push({ id, name: `${template} project` });
          track("project_created");
          navigate(`/projects/${id}/board`);
        } }, template)));
    if (!picking) picker.setAttribute("hidden", "");
    return [
      h("div", { class: "toolbar" }, h("h1", {}, "Projects"),
        h("button", { type: "button", onclick: () => picker.removeAttribute("hidden") }, "New project")),
      picker,
      h("div", { class: "cards" },
        ...state.projects.map((p) => h("div", { class: "card" }, h("a", { href: `/projects/${p.id}/board`, "data-link": "" }, p.name)))),
    ];
  },
  board: (id) => {
    const todo = h("div", { class: "column" }, h("h3", {}, "To do"),
      ...state.tasks.map((t, i) => h("div", { class: "task" }, t,
        h("button", { type: "button", class: "ghost", onclick: () => { state.tasks.splice(i, 1); track("task_completed"); route(); } }, "Done"))));
    return [
      h("div", { class: "toolbar" },
        h("h1", {}, `Board · ${id}`),
        h("button", { type: "button", onclick: () => { state.tasks.push(`Task ${state.tasks.length + 1}`); track("task_created"); route(); } }, "Add task"),
        h("button", { type: "button", class: "ghost", onclick: () => track("due_date_set") }, "Set a due date"),
        h("button", { type: "button", class: "ghost", "data-tour": "board-automations", onclick: () => track("automations_opened") }, "Automations"),
        h("button", { type: "button", class: "ghost", "data-tour": "automation-recipes", onclick: () => track("automation_created") }, "Recipes"),
        h("span", { "data-tour": "automation-trigger", class: "ghost" }, "When a task moves…"),
        h("a", { href: `/settings`, "data-link": "", class: "ghost", "data-tour": "project-integrations" }, "Integrations"),
        h("button", { type: "button", class: "ghost", "data-tour": "view-switcher-timeline",
          onclick: () => { state.view = "timeline"; track("timeline_opened"); route(); } }, "Timeline")),
      state.view === "timeline"
        ? h("div", { class: "timeline", "data-tour": "timeline-canvas", "aria-label": "Timeline" })
        : h("div", { class: "board" }, todo, h("div", { class: "column" }, h("h3", {}, "Doing")), h("div", { class: "column" }, h("h3", {}, "Done"))),
    ];
  },
  settings: () => [
    h("h1", {}, "Settings"),
    h("div", { class: "row" }, h("label", { "data-tour": "settings-offline-toggle" }, h("input", { type: "checkbox", onchange: () => track("offline_mode_enabled") }), " Offline mode")),
    h("h2", {}, "Integrations"),
    h("div", { class: "row" },
      h("button", { type: "button", "data-tour": "connect-slack", onclick: () => track("integration_connected") }, "Connect Slack"),
      h("button", { type: "button", "data-tour": "connect-github", onclick: () => track("integration_connected") }, "Connect GitHub"),
      h("button", { type: "button", "data-tour": "connect-google-drive", onclick: () => track("integration_connected") }, "Connect Google Drive")),
  ],
  members: () => [
    h("h1", {}, "Members"),
    h("div", { class: "row" }, h("input", { type: "email", placeholder: "name@company.com", "aria-label": "Emails", "data-tour": "invite-emails" }),
      h("button", { type: "button", onclick: () => track("teammate_invited") }, "Send invites")),
    h("div", { class: "row", "data-tour": "invite-domain" }, h("label", {}, h("input", { type: "checkbox" }), " Anyone with an @company.com address can join")),
  ],
  missing: () => [h("h1", {}, "Not found"), h("p", {}, "This page is not part of the demo.")],
};

function route() {
  const path = location.pathname;
  let content;
  let board;
  if (path === "/" || path === "/home") content = pages.home();
  else if (path === "/projects" || path === "/projects/new") content = pages.projects(path === "/projects/new");
  else if ((board = /^\/projects\/([^/]+)\/(board|list)$/.exec(path))) content = pages.board(board[1]);
  else if (path === "/settings") content = pages.settings();
  else if (path === "/settings/members") content = pages.members();
  else content = pages.missing();
  main.replaceChildren(...content);
  for (const link of document.querySelectorAll(".sidebar a")) {
    if (link.getAttribute("href") === path) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function demoUser(personaId) {
  const key = `guidekit-demo:${personaId}`;
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = `demo-${personaId}-${Math.random().toString(36).slice(2, 8)}`;
    sessionStorage.setItem(key, id);
  }
  return id;
}

async function start(personaId, fresh) {
  const persona = PERSONAS[personaId] || PERSONAS["new-trial-admin"];
  if (fresh) sessionStorage.removeItem(`guidekit-demo:${personaId}`);
  const seeded = sessionStorage.getItem(`guidekit-demo:${personaId}`) !== null;
  const id = demoUser(personaId);
  const locale = languageSelect.value || persona.locale;
  GuideKit.reset();
  note(`persona ${persona.name} as ${id} (${locale})`);
  await GuideKit.init({ host: location.origin, key: window.GUIDEKIT_DEMO_KEY || "", locale,
    user: { id, attributes: persona.attributes, account: persona.account } });
  if (!seeded || fresh) {
    for (const [name, count] of Object.entries(persona.events || {})) for (let i = 0; i < count; i++) GuideKit.track(name);
  }
}

for (const [id, persona] of Object.entries(PERSONAS)) personaSelect.append(h("option", { value: id }, persona.name));
const params = new URLSearchParams(location.search);
personaSelect.value = params.get("persona") || localStorage.getItem("guidekit-demo:persona") || "new-trial-admin";
languageSelect.value = params.get("locale") || PERSONAS[personaSelect.value]?.locale || "en-US";
personaSelect.addEventListener("change", () => {
  localStorage.setItem("guidekit-demo:persona", personaSelect.value);
  languageSelect.value = PERSONAS[personaSelect.value].locale;
  start(personaSelect.value);
});
languageSelect.addEventListener("change", () => start(personaSelect.value));
document.getElementById("restart").addEventListener("click", () => start(personaSelect.value, true));
document.getElementById("new-project").addEventListener("click", () => navigate("/projects/new"));
document.getElementById("help").addEventListener("click", () => GuideKit.show("keyboard-shortcuts"));

GuideKit.on("step", (e) => note(`step ${e.guide}/${e.step} (${e.kind})`));
GuideKit.on("complete", (e) => note(`complete ${e.guide}`));
GuideKit.on("dismiss", (e) => note(`${e.snoozed ? "snooze" : "dismiss"} ${e.guide}`));
GuideKit.on("error", (e) => note(`error ${e.code}: ${e.message}`));

if (location.pathname === "/") history.replaceState({}, "", "/home");
route();
start(personaSelect.value);
