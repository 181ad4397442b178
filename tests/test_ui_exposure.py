"""Network exposure of the web UI: the bind decision, throttled logins on a real launched app, and
uploads that do not linger in Gradio's cache. The app runs over a small fake assistant (no models)."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from core.settings import Settings
from ingest.pipeline import IngestSummary
from tests.test_ui_e2e import FakeAssistant, FakeLibrary, free_port
from ui.exposure import ExposureRefused, LoginThrottle, check_bind, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses(host):
    assert is_loopback(host)
    assert check_bind(host, has_login=False, allow_unauthenticated=False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1"])
def test_a_non_loopback_bind_needs_a_login_or_an_explicit_flag(host):
    assert not is_loopback(host)
    with pytest.raises(ExposureRefused, match="BENELUX_QA_UI_USERNAME"):
        check_bind(host, has_login=False, allow_unauthenticated=False)
    assert "login is required" in check_bind(host, has_login=True, allow_unauthenticated=False)
    assert "WITHOUT a login" in check_bind(host, has_login=False, allow_unauthenticated=True)


def test_serve_on_all_interfaces_without_a_login_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENELUX_QA_UI_")}
    env |= {"BENELUX_QA_DATA_DIR": str(tmp_path / "data"), "BENELUX_QA_UI_HOST": "0.0.0.0"}
    result = subprocess.run([sys.executable, "-m", "benelux_qa.cli", "serve"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0" in result.stderr and "--allow-unauthenticated" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "index").exists(), "refused before indexing anything"


class RecordingApp:
    def launch(self, **kwargs):
        self.kwargs = kwargs


def test_launch_warns_when_it_binds_a_non_loopback_address(tmp_path, caplog):
    from ui.command import launch

    settings = Settings(data_dir=tmp_path, ui_host="0.0.0.0")
    with pytest.raises(ExposureRefused):
        launch(RecordingApp(), settings)
    app = RecordingApp()
    with caplog.at_level(logging.WARNING, logger="benelux_qa.ui"):
        launch(app, settings, allow_unauthenticated=True)
    assert app.kwargs["server_name"] == "0.0.0.0" and app.kwargs["auth"] is None
    assert any("reachable from other machines" in r.message for r in caplog.records)
    caplog.clear()
    app = RecordingApp()
    with caplog.at_level(logging.WARNING, logger="benelux_qa.ui"):
        launch(app, settings.model_copy(update={"ui_username": "u", "ui_password": "p"}))
    assert callable(app.kwargs["auth"]) and any("login is required" in r.message for r in caplog.records)


def test_login_throttle_unit():
    now = [0.0]
    throttle = LoginThrottle("admin", "s3cret", max_failures=3, lockout_s=10, clock=lambda: now[0])
    assert not any(throttle.check("a", "admin", "wrong") for _ in range(3))
    assert not throttle.check("a", "admin", "s3cret"), "locked out: even the right password is refused"
    assert throttle.check("b", "admin", "s3cret"), "another client is not affected"
    now[0] = 10.5
    assert throttle.check("a", "admin", "s3cret")
    for _ in range(3):
        throttle.check("a", "admin", "wrong")
    assert throttle.locked_for("a") == 10, "a right login ends the streak (no doubling)"
    now[0] = 21
    for _ in range(3):
        throttle.check("a", "admin", "wrong")
    assert throttle.locked_for("a") == 20, "repeated lockouts double"


@pytest.fixture
def served(tmp_path):
    """A real launched app (loopback, free port) with a login and a short lockout."""
    from ui.app import build_app
    from ui.command import launch

    assistant, library = FakeAssistant(), FakeLibrary()
    app = build_app(assistant, library)
    settings = Settings(data_dir=tmp_path / "data", ui_username="admin", ui_password="s3cret")
    throttle = LoginThrottle("admin", "s3cret", max_failures=3, lockout_s=1.5)
    port = free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True, throttle=throttle)
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{port}", app=app, assistant=assistant, library=library, throttle=throttle)
    finally:
        app.close()


def login(url: str, password: str, source: str = "127.0.0.1") -> int:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as client:
        return client.post(f"{url}/login", data={"username": "admin", "password": password}).status_code


def test_repeated_wrong_logins_lock_the_client_out_for_a_while(served):
    assert [login(served.url, "guess") for _ in range(3)] == [400, 400, 400]
    assert served.throttle.locked_for("127.0.0.1") > 0
    assert login(served.url, "s3cret") == 400, "refused during the lockout, even with the right password"
    assert [login(served.url, f"guess{i}") for i in range(10)] == [400] * 10
    assert login(served.url, "s3cret", source="127.0.0.2") == 200, "another client can still log in"
    deadline = time.monotonic() + 10
    while served.throttle.locked_for("127.0.0.1") > 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert login(served.url, "s3cret") == 200, "after the wait the right login works"


def test_an_upload_does_not_stay_in_gradios_cache(served, tmp_path):
    added = []

    def add(paths):  # as the real library: the loaders refuse what is not what its name says
        added.extend(p.name for p in paths)
        refused = {p.name: f"Cannot read {p.name}: it is not a PDF file." for p in paths if p.suffix == ".pdf"}
        kept = [p.name for p in paths if p.name not in refused]
        return IngestSummary(added=kept, failed=refused, flagged={kept[0]: [3]})

    served.library.add = add
    good, bad = tmp_path / "nota.txt", tmp_path / "report.pdf"
    good.write_text("Een korte nota over mensenhandel in de Benelux.\n", encoding="utf-8")
    bad.write_text("this is not a PDF", encoding="utf-8")
    with httpx.Client(timeout=30) as client:
        assert client.post(f"{served.url}/login", data={"username": "admin", "password": "s3cret"}).status_code == 200
        response = client.post(
            f"{served.url}/gradio_api/upload", files=[("files", (p.name, p.read_bytes())) for p in (good, bad)]
        )
    response.raise_for_status()
    cached = response.json()
    assert all(Path(p).exists() for p in cached)
    handler = next(f.fn for f in served.app.fns.values() if getattr(f.fn, "__name__", "") == "add_documents")
    _, _, status, _ = handler(cached, progress=lambda *args, **kwargs: None)
    assert added == ["nota.txt", "report.pdf"]  # the content is judged by the loaders, not by the UI
    assert "Added 1 document(s)" in status and "report.pdf" in status
    assert "1 paragraph(s) left out (§ 3)" in status and "instructions" in status
    assert not any(Path(p).exists() for p in cached), "uploaded files are removed from Gradio's cache"
