"""The web SDK in a real browser: Chromium from Debian's packages, driven by Playwright for Python.

`guidekit serve --demo` runs on a free loopback port with a fresh SQLite store and a copy of the example guides
(the throttle shortened, and two test guides added: one whose target never appears, one whose body tries to
inject a script). Each test is a new demo user. Screenshots of every step kind go to $GUIDEKIT_SCREENSHOTS
(default .build/browser-screenshots) for review.

Run: python3 -m pytest Tests/Browser -q   (after `swift build`; GUIDEKIT_BINARY overrides .build/debug/guidekit)
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("GUIDEKIT_BINARY", ROOT / ".build" / "debug" / "guidekit"))
SHOTS = Path(os.environ.get("GUIDEKIT_SCREENSHOTS", ROOT / ".build" / "browser-screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or shutil.which("chromium-browser") or "")

MISSING_TARGET_GUIDE = """
id: missing-target-test
name: A tooltip whose target never appears
version: 1
status: published
priority: 500
audience:
  user.job_function: other
trigger:
  page: /projects
steps:
  - id: ghost
    kind: tooltip
    target: '[data-tour="does-not-exist"]'
    title: You should never see this
    body: Its target is not on the page.
    buttons:
      - {label: Next, action: next}
"""

HOSTILE_GUIDE = """
id: hostile-body-test
name: A body that tries to run a script
version: 1
status: published
priority: 500
audience:
  user.job_function: marketing
trigger:
  page: /home
steps:
  - id: hostile
    kind: modal
    title: "<script>window.__pwnedTitle = 1</script>Hello"
    body: |
      Before <script>window.__pwned = 1</script> after.

      <img src=x onerror="window.__pwnedImg = 1"> and [a link](javascript:window.__pwnedLink=1).
    buttons:
      - {label: Close, action: complete}
"""

BANNER_AND_SURVEY_GUIDE = """
id: banner-survey-test
name: A banner, then a survey
version: 1
status: published
priority: 500
audience:
  user.job_function: design
trigger:
  page: /settings
steps:
  - id: notice
    kind: banner
    placement: top
    title: We changed the settings page
    body: Tell us what you think.
    buttons:
      - {label: Continue, action: next}
  - id: score
    kind: survey
    placement: bottom
    question: How likely are you to recommend Acme Projects?
    scale: nps
    buttons:
      - {label: Skip, action: next}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first")
    if not CHROMIUM:
        pytest.fail("no chromium on PATH: apt-get install chromium")
    work = Path(tempfile.mkdtemp(prefix="guidekit-browser-"))
    guides = work / "guides"
    shutil.copytree(ROOT / "guides", guides, ignore=shutil.ignore_patterns("tests"))
    project = guides / "guidekit.yaml"
    project.write_text(project.read_text().replace("throttle: 4h", "throttle: 1s"))
    (guides / "missing-target-test.yaml").write_text(MISSING_TARGET_GUIDE)
    (guides / "hostile-body-test.yaml").write_text(HOSTILE_GUIDE)
    (guides / "banner-survey-test.yaml").write_text(BANNER_AND_SURVEY_GUIDE)
    port = free_port()
    log = open(work / "server.log", "w")
    process = subprocess.Popen(
        [str(BINARY), "serve", "--demo", "--guides", str(guides), "--database", str(work / "store.sqlite"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, cwd=work,
        env={k: v for k, v in os.environ.items() if not k.startswith("GUIDEKIT_")},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{(work / 'server.log').read_text()}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not answer /healthz within 60 s")
    yield base
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


class Demo:
    """One demo visitor: a page, its console errors and the events the server has for it."""

    def __init__(self, browser, base, persona="new-trial-admin", locale=None):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 800},
                                           locale=locale or "en-US")
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.persona = persona
        self.locale = locale

    def open(self, path="/home"):
        query = f"?persona={self.persona}" + (f"&locale={self.locale}" if self.locale else "")
        self.page.goto(self.base + path + query)
        return self

    def user_id(self):
        return self.page.evaluate(f"sessionStorage.getItem('guidekit-demo:{self.persona}')")

    def shadow(self, selector):
        return self.page.locator("guidekit-root").locator(selector)

    def step(self):
        return self.shadow("[data-step]")

    def events(self):
        self.page.evaluate("async () => { const m = await import('/sdk/guidekit.js'); await m.default.flush(); }")
        with urllib.request.urlopen(self.base + "/v1/events/export", timeout=10) as response:
            lines = response.read().decode().splitlines()
        mine = self.user_id()
        return [e for e in map(json.loads, filter(None, lines)) if e.get("user") == mine]

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def close(self):
        self.context.close()


@pytest.fixture
def demo(browser, server):
    visitors = []

    def make(**kwargs):
        visitor = Demo(browser, server, **kwargs)
        visitors.append(visitor)
        return visitor

    yield make
    for visitor in visitors:
        assert not [e for e in visitor.errors if "favicon" not in e], visitor.errors
        visitor.close()


def assert_docked_in_view(visitor, selector):
    """A docked card (checklist, survey) sits whole inside the viewport, at its bottom right."""
    box = visitor.shadow(selector).first.bounding_box()
    width, height = visitor.page.viewport_size["width"], visitor.page.viewport_size["height"]
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, box
    assert width - (box["x"] + box["width"]) < 40 and height - (box["y"] + box["height"]) < 40, box


def wait_for_event(visitor, predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        events = visitor.events()
        if any(predicate(e) for e in events):
            return events
        time.sleep(0.3)
    raise AssertionError(f"no matching event; the server has {visitor.events()}")


def test_welcome_modal_then_next_draws_tooltip_beside_its_target(demo):
    d = demo().open("/home")
    expect(d.step()).to_have_attribute("data-step", "welcome", timeout=15000)
    dialog = d.shadow("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Welcome to Acme Projects")
    assert dialog.get_attribute("aria-labelledby")
    d.shot("modal")
    d.shadow("button[data-action=next]").first.click()
    expect(d.step()).to_have_attribute("data-step", "sidebar", timeout=10000)
    card = d.shadow(".floating .card")
    expect(card).to_be_visible()
    d.page.wait_for_timeout(300)
    target = d.page.locator('[data-tour="sidebar-projects"]').bounding_box()
    box = card.bounding_box()
    # Beside its target: placed to the right (or flipped) and vertically overlapping it, without covering it.
    assert box["x"] >= target["x"] + target["width"] or box["y"] >= target["y"] + target["height"] \
        or box["y"] + box["height"] <= target["y"], (box, target)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] >= 0 and box["y"] + box["height"] <= 800
    d.shot("tooltip")
    events = wait_for_event(d, lambda e: e["type"] == "step_viewed" and e.get("step") == "sidebar")
    assert any(e["type"] == "step_completed" and e.get("step") == "welcome" for e in events)
    assert len({e["id"] for e in events}) == len(events), "every event carries its own id"


def test_escape_dismisses_and_the_dismissal_reaches_the_server(demo):
    d = demo().open("/home")
    expect(d.step()).to_have_attribute("data-step", "welcome", timeout=15000)
    d.page.keyboard.press("Escape")
    expect(d.shadow("[data-step]")).to_have_count(0, timeout=5000)
    wait_for_event(d, lambda e: e["type"] == "guide_dismissed" and e["guide"] == "welcome-tour")


def test_a_reload_resumes_at_the_same_step(demo):
    d = demo().open("/home")
    expect(d.step()).to_have_attribute("data-step", "welcome", timeout=15000)
    d.shadow("button[data-action=next]").first.click()
    expect(d.step()).to_have_attribute("data-step", "sidebar", timeout=10000)
    wait_for_event(d, lambda e: e["type"] == "step_viewed" and e.get("step") == "sidebar")
    d.page.reload()
    expect(d.step()).to_have_attribute("data-step", "sidebar", timeout=15000)


def test_a_route_change_in_the_spa_shows_the_page_triggered_guide(demo):
    d = demo().open("/settings")
    d.page.wait_for_timeout(1500)
    expect(d.shadow("[data-step]")).to_have_count(0)
    d.page.locator(".sidebar a[href='/home']").click()
    expect(d.step()).to_have_attribute("data-step", "welcome", timeout=10000)


def test_a_target_that_never_appears_sends_step_target_missing(demo, server):
    d = demo().open("/settings")
    # The test guide's audience: job_function other; its page: /projects.
    d.page.evaluate("""async () => {
        const m = await import('/sdk/guidekit.js');
        const id = sessionStorage.getItem('guidekit-demo:new-trial-admin');
        m.default.reset();
        await m.default.init({host: location.origin, user: {id: id + '-x', attributes: {job_function: 'other',
          plan: 'pro', role: 'member', signed_up_at: '2020-01-01T00:00:00Z'}}, targetTimeout: 800});
        history.pushState({}, '', '/projects');
    }""")
    deadline = time.time() + 15
    while time.time() < deadline:
        with urllib.request.urlopen(server + "/v1/events/export", timeout=10) as response:
            events = [json.loads(line) for line in response.read().decode().splitlines() if line]
        if any(e["type"] == "step_target_missing" and e["guide"] == "missing-target-test" for e in events):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("no step_target_missing event reached the server")
    expect(d.shadow("[data-step]")).to_have_count(0)
    # The report from the server's store counts the step as not shown, with its reason.
    with urllib.request.urlopen(server + "/v1/report?format=json&guide=missing-target-test", timeout=30) as response:
        report = json.loads(response.read())
    steps = {s["step"]: s for g in report["guides"] for s in g["steps"]}
    assert steps["ghost"]["not_shown"] == {"target_missing": 1}, steps["ghost"]
    assert steps["ghost"]["reached"] == 0, steps["ghost"]
    d.errors.clear()  # the SDK reports the missing target through its error listener, which the demo logs


def test_a_japanese_user_reads_the_japanese_text(demo):
    d = demo(persona="japanese-owner", locale="ja-JP").open("/home")
    expect(d.step()).to_have_attribute("data-step", "welcome", timeout=15000)
    expect(d.shadow("dialog")).to_contain_text("へようこそ")
    d.shot("modal-ja")


def test_the_keyboard_alone_finishes_a_tour_and_the_checklist_ticks(demo):
    d = demo().open("/home")
    expect(d.step()).to_have_attribute("data-step", "welcome", timeout=15000)
    seen = []
    for _ in range(12):
        step = d.step()
        if step.count() == 0:
            break
        name = step.get_attribute("data-step")
        if name == "checklist":
            break
        seen.append(name)
        kind = step.get_attribute("data-kind")
        if kind == "hotspot":
            d.shadow(".beacon").focus()
            d.page.keyboard.press("Enter")
        if kind in ("tooltip", "hotspot"):
            d.page.wait_for_timeout(200)
            d.shot(kind)
        # The primary button has focus in modals; elsewhere Tab reaches the step's buttons.
        primary = d.shadow(".buttons button.primary").first
        primary.focus()
        d.page.keyboard.press("Enter")
        d.page.wait_for_function(
            "name => { const s = document.querySelector('guidekit-root')?.shadowRoot?.querySelector('[data-step]');"
            " return !s || s.getAttribute('data-step') !== name; }", arg=name, timeout=10000)
        d.page.wait_for_timeout(300)
    assert seen[0] == "welcome" and len(seen) >= 4, seen
    wait_for_event(d, lambda e: e["type"] == "guide_completed" and e["guide"] == "welcome-tour")


def test_a_checklist_item_ticks_after_the_product_event(demo, server):
    d = demo().open("/settings")
    d.page.evaluate("""async () => {
        const m = await import('/sdk/guidekit.js');
        const id = sessionStorage.getItem('guidekit-demo:new-trial-admin') + '-cl';
        m.default.reset();
        const user = {id, attributes: {plan: 'trial', role: 'admin', signed_up_at: new Date(Date.now() - 3600e3).toISOString()}};
        await m.default.init({host: location.origin, user});
        const now = Date.now();
        const ev = (type, step, dt) => ({id: crypto.randomUUID(), ts: new Date(now - dt).toISOString(), user: id,
          guide: 'welcome-tour', version: 3, type, step});
        await fetch('/v1/events', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({events: [
          ev('guide_started', 'welcome', 60000), ev('step_viewed', 'welcome', 60000), ev('guide_completed', 'done', 50000)]})});
        history.pushState({}, '', '/home');
    }""")
    expect(d.step()).to_have_attribute("data-step", "checklist", timeout=15000)
    item = d.shadow("li[data-item=create-project]")
    expect(item).not_to_have_class("done")
    assert_docked_in_view(d, ".card.dock")
    d.shot("checklist")
    d.page.evaluate("async () => { const m = await import('/sdk/guidekit.js'); await m.default.track('project_created'); }")
    expect(item).to_have_class("done", timeout=10000)
    d.shot("checklist-ticked")


def test_no_script_from_a_guide_body_reaches_the_page(demo):
    d = demo().open("/settings")
    d.page.evaluate("""async () => {
        const m = await import('/sdk/guidekit.js');
        m.default.reset();
        await m.default.init({host: location.origin, user: {id: 'hostile-' + crypto.randomUUID(),
          attributes: {job_function: 'marketing', plan: 'pro', role: 'member', signed_up_at: '2020-01-01T00:00:00Z'}}});
        history.pushState({}, '', '/home');
    }""")
    expect(d.step()).to_have_attribute("data-step", "hostile", timeout=15000)
    d.page.wait_for_timeout(500)
    assert d.page.evaluate("[window.__pwned, window.__pwnedImg, window.__pwnedTitle, window.__pwnedLink]") == [None] * 4
    root = d.shadow("dialog")
    expect(root).to_contain_text("<script>window.__pwnedTitle = 1</script>Hello")  # the title is text, not markup
    assert d.page.evaluate(
        "document.querySelector('guidekit-root').shadowRoot.querySelectorAll('script, img, [onerror]').length") == 0
    hrefs = d.page.evaluate(
        "[...document.querySelector('guidekit-root').shadowRoot.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.lower().startswith("javascript:")], hrefs
    d.shot("hostile")


def test_a_banner_then_a_survey_whose_answer_reaches_the_server(demo):
    d = demo().open("/home")
    d.page.evaluate("""async () => {
        const m = await import('/sdk/guidekit.js');
        const id = sessionStorage.getItem('guidekit-demo:new-trial-admin');
        m.default.reset();
        await m.default.init({host: location.origin, user: {id: id + '-survey', attributes: {job_function: 'design',
          plan: 'pro', role: 'member', signed_up_at: '2020-01-01T00:00:00Z'}}});
        history.pushState({}, '', '/settings');
    }""")
    expect(d.step()).to_have_attribute("data-step", "notice", timeout=15000)
    expect(d.step()).to_have_attribute("data-kind", "banner")
    d.shot("banner")
    d.shadow(".buttons button.primary").first.click()
    expect(d.step()).to_have_attribute("data-step", "score", timeout=15000)
    expect(d.step()).to_have_attribute("data-kind", "survey")
    assert_docked_in_view(d, ".card.dock")
    d.shadow('.scale button[data-value="9"]').click()
    d.shot("survey")
    d.shadow('button[data-action="answer"]').click()
    user = d.page.evaluate("sessionStorage.getItem('guidekit-demo:new-trial-admin')") + "-survey"

    def answered(e):
        answer = e.get("answer", (e.get("properties") or {}).get("answer"))
        return e.get("user") == user and e["type"] == "step_completed" and e.get("step") == "score" and answer == 9

    deadline = time.time() + 15
    while time.time() < deadline:
        d.page.evaluate("async () => { const m = await import('/sdk/guidekit.js'); await m.default.flush(); }")
        with urllib.request.urlopen(d.base + "/v1/events/export", timeout=10) as response:
            events = [json.loads(line) for line in response.read().decode().splitlines() if line]
        if any(answered(e) for e in events):
            break
        time.sleep(0.3)
    else:
        raise AssertionError(f"no answered survey step reached the server: {[e for e in events if e.get('user') == user]}")
    assert any(e.get("user") == user and e["type"] == "guide_completed" and e["guide"] == "banner-survey-test"
               for e in events)
