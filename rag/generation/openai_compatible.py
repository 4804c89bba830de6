"""The ``openai`` backend: any OpenAI-compatible ``/v1/chat/completions`` server, streamed with server-sent events.

llama.cpp's servers (``python -m llama_cpp.server`` and ``llama-server``), vLLM and Ollama all speak
this protocol, so a school can run the model on a separate (GPU) machine and every web process sends
it requests instead of loading a model. Only the standard library is used: the request is small and
the stream is read line by line.

Failures are told apart for the people who fix them (logged: status code or error type, never the
prompt or the answer) and said plainly to the learner: a server that cannot be reached or answers
5xx/429 is retried ``retries`` times before the first token; a server silent for ``timeout`` seconds
is "too slow"; one that stops mid-answer is reported as such (never retried: the learner already
saw part of the answer).
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

from rag.generation.base import GenerationSettings, Generator, ModelUnavailableError

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRY_BACKOFF_SECONDS = 0.5
UNREACHABLE = "The explanation server is not answering right now. Please try again in a few minutes."
TOO_SLOW = "The explanation server is too slow right now. Please try again in a few minutes."
STOPPED = "The explanation server stopped in the middle of the answer. Please ask again."
MISCONFIGURED = "The explanation server refused the request; an administrator needs to check GLOSSA_LLM_* settings."


class ServerError(ModelUnavailableError):
    """The model server failed; ``retry`` says whether asking again (before any token) may help."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


class OpenAICompatibleGenerator(Generator):
    backend = "openai"

    def __init__(self, *, base_url: str, model: str, api_key: str = "", timeout: float = 30.0,
                 retries: int = 2) -> None:
        if urlsplit(base_url).scheme not in {"http", "https"}:
            raise ModelUnavailableError("GLOSSA_LLM_BASE_URL must be an http:// or https:// URL.")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.model = model or self._served_model()
        self.model_name = f"{self.model} via {urlsplit(self.base_url).netloc}"

    def _pieces(self, messages: list[dict], options: GenerationSettings) -> Iterator[tuple[str, int]]:
        body = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "max_tokens": options.max_new_tokens,
            "temperature": 0.0,
            "seed": 0,
            # Not in OpenAI's API: llama.cpp's servers read repeat_penalty, vLLM repetition_penalty; others
            # ignore unknown fields.
            "repeat_penalty": options.repetition_penalty,
            "repetition_penalty": options.repetition_penalty,
            "stream_options": {"include_usage": True},
        }
        response = self._open("/chat/completions", body)
        deltas, usage, finished = 0, None, False
        try:
            for event in _events(response):
                if event.get("usage"):
                    usage = event["usage"].get("completion_tokens")
                for choice in event.get("choices") or []:
                    piece = (choice.get("delta") or {}).get("content") or ""
                    if piece:
                        deltas += 1
                        yield piece, 0
                    finished = finished or bool(choice.get("finish_reason"))
        except TimeoutError as error:
            logger.warning("model server silent for %ss mid-answer", self.timeout)
            raise ModelUnavailableError(TOO_SLOW) from error
        except (OSError, http.client.HTTPException, ValueError) as error:
            logger.warning("model server stream broke: %s", type(error).__name__)
            raise ModelUnavailableError(STOPPED) from error
        finally:
            response.close()
        if not finished:
            # llama_cpp.server with interrupt_requests on ends a stream early when another request waits.
            logger.warning("model server ended a stream without a finish reason (cut short?)")
        # Servers that report usage give the exact count; the others send one token per event.
        yield "", usage if isinstance(usage, int) else deltas

    def _served_model(self) -> str:
        """The first model the server lists (llama.cpp serves one; vLLM usually one; Ollama needs a name)."""
        response = self._open("/models", None)
        try:
            listed = json.loads(response.read())
        except (ValueError, OSError) as error:
            raise ModelUnavailableError(MISCONFIGURED) from error
        finally:
            response.close()
        models = [item.get("id") for item in listed.get("data") or [] if isinstance(item, dict) and item.get("id")]
        if not models:
            logger.error("model server lists no models; set GLOSSA_LLM_MODEL")
            raise ModelUnavailableError(MISCONFIGURED)
        return models[0]

    def _open(self, path: str, body: dict | None):
        """The server's response to ``body`` (GET when None), retried while the server may recover."""
        attempt = 0
        while True:
            try:
                return self._request(path, body)
            except ServerError as error:
                if not error.retry or attempt >= self.retries:
                    raise
                attempt += 1
                time.sleep(RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))

    def _request(self, path: str, body: dict | None):
        headers = {"Accept": "text/event-stream" if body and body.get("stream") else "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers,  # noqa: S310 (http(s) only)
                                         method="POST" if body is not None else "GET")
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310 (http(s) only, checked above)
        except urllib.error.HTTPError as error:
            error.close()
            logger.warning("model server answered HTTP %s to %s", error.code, path)
            if error.code in RETRY_STATUSES:
                raise ServerError(TOO_SLOW if error.code in {408, 429, 503} else UNREACHABLE, retry=True) from None
            raise ServerError(MISCONFIGURED, retry=False) from None
        except TimeoutError:
            logger.warning("model server silent for %ss on %s", self.timeout, path)
            raise ServerError(TOO_SLOW, retry=True) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            logger.warning("model server unreachable: %s", type(reason).__name__)
            if isinstance(reason, TimeoutError):
                raise ServerError(TOO_SLOW, retry=True) from None
            raise ServerError(UNREACHABLE, retry=True) from None


def _events(response) -> Iterator[dict]:
    """The JSON payloads of a server-sent event stream up to ``data: [DONE]`` (which must arrive)."""
    data: list[str] = []
    while True:
        raw = response.readline()
        if not raw:
            raise ConnectionError("stream ended before [DONE]")
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].lstrip())
        elif not line and data:  # a blank line ends an event
            payload, data = "\n".join(data), []
            if payload == "[DONE]":
                return
            event = json.loads(payload)
            if isinstance(event, dict) and event.get("error"):
                raise ValueError("the server reported an error in the stream")
            yield event
