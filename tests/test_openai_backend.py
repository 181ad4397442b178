"""The OpenAI-compatible backend talks HTTP to a server: here a minimal local stand-in on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.answer import Mode
from assistant.assistant import Assistant
from models.chat import make_chat_model

REPLY = "De eerste bijeenkomst vond plaats in Antwerpen."


class ChatCompletions(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatCompletions.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        self.send_response(200)
        if body.get("stream"):
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in REPLY.split(" "):
                chunk = {"id": "1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
        else:
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({
                "id": "1", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}],
            }).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ChatCompletions.requests.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_openai_backend_streams_through_the_checks(corpus_settings, server):
    settings = corpus_settings.model_copy(update={
        "llm_backend": "openai", "openai_base_url": server, "openai_model": "big-model", "openai_api_key": "secret",
    })
    answer = Assistant(settings).ask("Waar vond de eerste bijeenkomst over bestuurlijk toezicht op de prostitutiesector plaats?")
    assert answer.mode is Mode.GENERATIVE and not answer.fallback
    assert answer.text.startswith("De eerste bijeenkomst vond plaats in Antwerpen. [1]")
    assert answer.citations[0].doc_id == "000_8155b968e599ee5e.txt"
    request = ChatCompletions.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["model"] == "big-model"
    assert request["auth"] == "Bearer secret" and request["temperature"] == 0


def test_extractive_backend_has_no_model(corpus_settings):
    assert make_chat_model(corpus_settings.model_copy(update={"llm_backend": "extractive"})) is None
