#!/usr/bin/env python3
"""Walks the Chitra console in a real headless Chromium, as an operator and then finance would.

Driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands on fd 3, answers on
fd 4, each a JSON message ended by NUL), so that nothing but Debian's chromium and Python's standard
library is needed. Writes what it saw to ARTIFACTS_DIR/seen.json; the Swift test judges it. Exits 1 with a
sentence when the browser does not answer in time.

usage: console_walk.py BASE_URL OPERATOR_TOKEN FINANCE_TOKEN DISTRICT PERIOD ARTIFACTS_DIR
"""
import base64
import csv, io, re, urllib.request, fcntl, json, os, shutil, subprocess, sys, tempfile, time

base, operator_token, finance_token, district, period, artifacts = sys.argv[1:7]
year, month = (int(part) for part in period.split("-"))
previous = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
os.makedirs(artifacts, exist_ok=True)
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    sys.exit("chromium is not installed (apt-get install chromium)")

def high(fd):
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved

to_browser_read, to_browser_write = map(high, os.pipe())
from_browser_read, from_browser_write = map(high, os.pipe())

def child_fds():
    os.dup2(to_browser_read, 3)
    os.dup2(from_browser_write, 4)

profile = tempfile.mkdtemp(prefix="chitra-chromium-")
process = subprocess.Popen(
    [browser, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
     "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + profile,
     "--window-size=1280,1000", "--lang=vi", "about:blank"],
    pass_fds=(3, 4), preexec_fn=child_fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_browser_read)
os.close(from_browser_write)

buffer = b""
next_id = 0
events = []
session = None

def send(method, params=None, timeout=30):
    global next_id, buffer
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session and not method.startswith("Target."):
        message["sessionId"] = session
    os.write(to_browser_write, json.dumps(message).encode() + b"\0")
    deadline = time.time() + timeout
    while True:
        for reply in read_messages(deadline, method):
            if reply.get("id") == next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            events.append(reply)

def read_messages(deadline, what):
    global buffer
    while b"\0" not in buffer:
        if time.time() > deadline:
            sys.exit(f"the browser did not answer {what} in time")
        chunk = os.read(from_browser_read, 1 << 16)
        if not chunk:
            sys.exit(f"the browser closed its pipe during {what}")
        buffer += chunk
    parts = buffer.split(b"\0")
    buffer = parts[-1]
    return [json.loads(part) for part in parts[:-1] if part]

def wait_for_load(timeout=30):
    deadline = time.time() + timeout
    while True:
        for index, event in enumerate(events):
            if event.get("method") == "Page.loadEventFired":
                del events[: index + 1]
                return
        events.clear()
        for message in read_messages(deadline, "a page load"):
            events.append(message)

def evaluate(expression):
    result = send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
    if "exceptionDetails" in result:
        raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
    return result["result"].get("value")

def upload(selector, path, button):
    """Chooses `path` in the page's file input and sends its form, as a person does."""
    node = send("Runtime.evaluate", {"expression": f"document.querySelector({json.dumps(selector)})"})["result"]["objectId"]
    send("DOM.setFileInputFiles", {"files": [path], "objectId": node})
    act(f"document.querySelector({json.dumps(button)}).click()")

def navigate(path):
    events.clear()
    send("Page.navigate", {"url": base + path})
    wait_for_load()

def act(script):
    """Runs a script that submits a form or follows a link, and waits for the next page."""
    events.clear()
    evaluate(script)
    wait_for_load()

def text():
    return evaluate("document.body.innerText")

def screenshot(name):
    data = send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
    path = os.path.join(artifacts, name)
    with open(path, "wb") as file:
        file.write(base64.b64decode(data))
    return path

def login(token):
    navigate("/console/login")
    act(f"document.querySelector('#token').value = {json.dumps(token)}; document.querySelector('#login').click()")

def post(path):
    """Submits a form of the page's own making to `path`, with the session's CSRF token, as a person could."""
    act(f"""(() => {{ const f = document.createElement('form'); f.method = 'post'; f.action = {json.dumps(path)};
        const c = document.createElement('input'); c.type = 'hidden'; c.name = 'csrf';
        c.value = document.querySelector('input[name=csrf]').value; f.appendChild(c); document.body.appendChild(f); f.submit(); }})()""")

seen = {}
try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Page.enable")
    send("Runtime.enable")

    # A page of the console without a session goes to the login page.
    navigate("/console/runs")
    seen["unauthenticated_url"] = evaluate("location.pathname")
    # A wrong token: refused with a sentence, no session.
    login("chitra_not-a-real-token-000000000000000000000")
    seen["bad_login"] = text()

    # The operator logs in and triggers the month.
    login(operator_token)
    seen["after_login_url"] = evaluate("location.pathname")
    seen["home_page"] = text()
    navigate(f"/console/runs?period={period}")
    seen["runs_page"] = text()
    seen["session_cookie_visible_to_scripts"] = "chitra_session" in evaluate("document.cookie")
    act(f"document.querySelector('#trigger-district').value = {json.dumps(district)};"
        f"document.querySelector('form.card input[name=period]').value = {json.dumps(period)};"
        "document.querySelector('#trigger').click()")
    seen["after_trigger_url"] = evaluate("location.pathname")
    seen["trigger_notice"] = evaluate("(document.querySelector('.notice') || {}).innerText || ''")

    # Watch it compute: the page refreshes itself while the run plans and computes.
    states = []
    deadline = time.time() + 90
    while time.time() < deadline:
        state = evaluate("(document.querySelector('#run-state .state') || {}).className || ''").replace("state", "").strip()
        if not states or states[-1] != state:
            states.append(state)
        if state == "computed":
            break
        time.sleep(0.5)
        navigate(f"/console/runs/{district}/{period}")
    seen["states_seen"] = states
    seen["operator_buttons"] = evaluate("[...document.querySelectorAll('.actions button')].map(b => b.id)")
    seen["control_totals"] = evaluate("document.querySelector('#control-totals').innerText")
    # The operator who triggered it tries to approve it anyway: refused.
    post(f"/console/runs/{district}/{period}/approve")
    seen["operator_approve"] = evaluate("(document.querySelector('.problem') || {}).innerText || ''")
    seen["state_after_operator_approve"] = evaluate("document.querySelector('#run-state .state').className")
    # A form without the session's CSRF token is refused.
    act(f"""(() => {{ const f = document.createElement('form'); f.method = 'post'; f.action = '/console/runs/{district}/{period}/cancel';
        document.body.appendChild(f); f.submit(); }})()""")
    seen["without_csrf"] = text()
    navigate(f"/console/runs/{district}/{period}")
    act("document.querySelector('#logout').click()")
    seen["after_logout"] = text()

    # Finance approves.
    login(finance_token)
    navigate(f"/console/runs/{district}/{period}")
    seen["finance_buttons"] = evaluate("[...document.querySelectorAll('.actions button')].map(b => b.id)")
    act("document.querySelector('#approve').click()")
    seen["approve_confirm_page"] = text()
    act("document.querySelector('#confirm').click()")
    seen["approve_notice"] = evaluate("(document.querySelector('.notice') || {}).innerText || ''")
    seen["state_after_approve"] = evaluate("document.querySelector('#run-state .state').className")
    seen["run_problems"] = evaluate("[...document.querySelectorAll('.problem')].map(p => p.innerText)")
    seen["run_screenshot"] = screenshot("run.png")

    # The post office's confirmations, as finance uploads them: the cash list fetched as the link
    # gives it, a file with one wrong amount refused by its line (nothing recorded), then the right one.
    navigate(f"/console/runs/{district}/{period}")
    # The link's download, with the browser's own session (the page's policy lets no script fetch).
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in send("Network.getCookies", {"urls": [base + "/console/runs"]})["cookies"])
    request = urllib.request.Request(base + f"/console/runs/{district}/{period}/cash-list", headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=30) as response:
        listing = response.read().decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(listing)))
    seen["cash_listed"] = len(rows)
    def confirmations(name, wrong):
        path = os.path.join(artifacts, name)
        with open(path, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["end_to_end_id", "beneficiary_id", "amount_vnd", "status", "paid_on", "received_by"])
            for index, row in enumerate(rows):
                amount = int(row["amount_vnd"]) + (1 if wrong and index == 0 else 0)
                writer.writerow([row["end_to_end_id"], row["beneficiary_id"], amount, "paid", time.strftime("%Y-%m-%d"), "Người nhận"])
        return path
    upload("input[type=file][name=file]", confirmations("confirm-wrong.csv", True), "#cash-upload")
    seen["cash_wrong_problem"] = evaluate("(document.querySelector('.problem') || {}).innerText || ''")
    seen["cash_wrong_lines"] = evaluate("[...document.querySelectorAll('#flash-lines li')].map(l => l.innerText)")
    seen["cash_waiting_after_wrong"] = evaluate("(document.querySelector('#cash-waiting') || {}).innerText || ''")
    upload("input[type=file][name=file]", confirmations("confirm.csv", False), "#cash-upload")
    seen["cash_notice"] = evaluate("(document.querySelector('.notice') || {}).innerText || ''")
    seen["stages"] = evaluate("[...document.querySelectorAll('#stages li')].map(l => l.id + ' ' + l.className)")
    screenshot("cash.png")

    # From the home page, what waits for finance: the month before's refused transfers. Those of one
    # reason retried, the rest sent to the post office, each after its confirm page; then the audit log.
    navigate("/console/home")
    seen["finance_home"] = text()
    act("[...document.querySelectorAll('main a')].find(a => a.getAttribute('href').startsWith('/console/failed')).click()")
    seen["failed_from_home"] = evaluate("location.pathname + location.search")
    navigate(evaluate("location.pathname + location.search") + "&reason=AC04")
    act("document.querySelector('#selection-retry').click()")
    seen["retry_confirm_page"] = text()
    act("document.querySelector('#confirm').click()")
    seen["retry_notice"] = evaluate("(document.querySelector('.notice') || {}).innerText || ''")
    navigate(f"/console/failed?period={previous}&district={district}")
    act("document.querySelector('#selection-fallback').click()")
    seen["fallback_confirm_page"] = text()
    act("document.querySelector('#confirm').click()")
    seen["fallback_notice"] = evaluate("(document.querySelector('.notice') || {}).innerText || ''")
    navigate("/console/audit")
    seen["audit"] = evaluate("document.querySelector('#audit tbody').innerText")
    screenshot("audit.png")

    # The same officer in English: the run, the audit log.
    navigate("/console/language?to=en&back=/console/home")
    navigate(f"/console/runs/{district}/{period}")
    seen["english_run"] = text()
    navigate("/console/audit")
    seen["english_audit"] = evaluate("document.querySelector('#audit tbody').innerText")
    navigate("/console/language?to=vi&back=/console/home")

    # The report, with its chart.
    navigate(f"/console/report?period={period}")
    seen["report"] = text()
    seen["chart_bars"] = evaluate("document.querySelectorAll('#non-cash-chart rect').length")
    seen["report_screenshot"] = screenshot("report.png")

    # The report printed on A4 landscape: as print media on the printable width (297 mm less the
    # stylesheet's 12 mm margins = 273 mm = 1,032 CSS px) nothing is wider than the paper, and
    # Chromium's own PDF of it is kept.
    send("Emulation.setDeviceMetricsOverride", {"width": 1032, "height": 730, "deviceScaleFactor": 1, "mobile": False})
    send("Emulation.setEmulatedMedia", {"media": "print"})
    navigate(f"/console/report?period={period}")
    seen["print_width"] = [evaluate("document.documentElement.scrollWidth"), 1032]
    seen["print_hidden"] = evaluate("[...document.querySelectorAll('header.top, form')].every(e => e.getClientRects().length === 0)")
    send("Emulation.setEmulatedMedia", {"media": ""})
    send("Emulation.clearDeviceMetricsOverride")
    pdf = base64.b64decode(send("Page.printToPDF", {"landscape": True, "paperWidth": 11.69, "paperHeight": 8.27,
                                                     "preferCSSPageSize": True, "printBackground": False})["data"])
    with open(os.path.join(artifacts, "report.pdf"), "wb") as file:
        file.write(pdf)
    seen["pdf_pages"] = len(re.findall(rb"/Type\s*/Page[^s]", pdf)) if pdf.startswith(b"%PDF") else 0

    # Beneficiary lookup: numbers masked.
    navigate("/console/beneficiaries?q=W1")
    seen["lookup_html"] = evaluate("document.documentElement.outerHTML")
    seen["lookup"] = text()

    # The failed transfers list, sorted by amount.
    navigate(f"/console/failed?period={period}&sort=amount&dir=desc")
    seen["failed"] = text()

    # Every page on a laptop (1366 × 900) and on a phone (390 × 844): none wider than its screen.
    pages = [("home", "/console/home"), ("runs", f"/console/runs?period={period}"), ("run", f"/console/runs/{district}/{period}"),
             ("failed", f"/console/failed?period={period}"), ("lookup", "/console/beneficiaries?q=W1"),
             ("report", f"/console/report?period={period}"), ("audit", "/console/audit"), ("statements", "/console/statements")]
    # In both languages, with a screenshot of each.
    widths = {}
    for language in ["vi", "en"]:
        navigate(f"/console/language?to={language}&back=/console/home")
        for device, (width, height, mobile) in {"laptop": (1366, 900, False), "phone": (390, 844, True)}.items():
            send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            for name, path in pages:
                navigate(path)
                widths[f"{language} {device} {name}"] = [evaluate("document.documentElement.scrollWidth"), width]
                screenshot(f"{language}-{device}-{name}.png")
        send("Emulation.clearDeviceMetricsOverride")
    navigate("/console/language?to=vi&back=/console/home")
    seen["widths"] = widths

    # English on request.
    navigate(f"/console/failed?period={period}")
    act("[...document.querySelectorAll('header a')].find(a => a.href.includes('/console/language')).click()")
    seen["english_heading"] = evaluate("document.querySelector('h1').innerText")
finally:
    try:
        os.write(to_browser_write, json.dumps({"id": 999999, "method": "Browser.close"}).encode() + b"\0")
        process.wait(timeout=10)
    except Exception:
        process.kill()
        process.wait()
    shutil.rmtree(profile, ignore_errors=True)

with open(os.path.join(artifacts, "seen.json"), "w", encoding="utf-8") as result:
    json.dump(seen, result, ensure_ascii=False)
