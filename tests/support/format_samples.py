"""Inputs for the format tests: an article and its copy, web archives, CSV files, and the
real command run in a child process."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provenance import ingest
from provenance.config import Settings

BRIDGE = (
    "The city council voted on Tuesday to close the Hawthorne Street bridge to lorries after "
    "engineers found cracks in two of its steel supports during a routine inspection.\n\n"
    "Repairs are expected to take at least four months and to cost about 2.3 million pounds, "
    "according to a report presented to councillors at the meeting.\n\n"
    "Local businesses warned that the closure would add long detours to delivery routes on "
    "both sides of the river, and asked the council to publish a timetable for the work.\n\n"
    "The mayor said the safety of residents came first and that the bridge would reopen to "
    "all traffic as soon as the engineers were satisfied that the supports could carry the load."
)
BRIDGE_COPY = BRIDGE.replace("on Tuesday", "this week").replace("about 2.3", "roughly 2.3")
SRC = str(Path(__file__).resolve().parents[2] / "src")


def page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def write_warc(path: Path, *, gz: bool, pages: list[tuple[str, bytes, str]] | None = None) -> None:
    """Two HTML responses copying each other, a PNG response and a request record."""
    if pages is None:
        pages = [
            (
                "https://a.example/news/bridge",
                page("Bridge closed", BRIDGE),
                "2024-03-01T10:00:00Z",
            ),
            (
                "https://b.example/story",
                page("Council shuts bridge", BRIDGE_COPY),
                "2024-03-02T09:30:00Z",
            ),
        ]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        for url, payload, date in pages:
            response(writer, url, payload, "text/html; charset=utf-8", date)
        response(
            writer,
            "https://a.example/logo.png",
            b"\x89PNG\r\n\x1a\n",
            "image/png",
            "2024-03-01T10:00:01Z",
        )
        request = writer.create_warc_record(
            "https://a.example/news/bridge",
            "request",
            payload=io.BytesIO(b"GET /news/bridge HTTP/1.1\r\nHost: a.example\r\n\r\n"),
            warc_headers_dict={"WARC-Date": "2024-03-01T10:00:00Z"},
        )
        writer.write_record(request)


def response(
    writer: WARCWriter, url: str, payload: bytes, content_type: str, date: str, **headers: str
) -> None:
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", content_type), *headers.items()], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVENANCE_")}
    env["PYTHONPATH"] = SRC
    done = subprocess.run(
        [sys.executable, "-m", "provenance", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(f"exit {done.returncode}\n--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}")
    assert "Traceback" not in done.stderr
    return done


def read_with(*paths: Path, **settings: Any) -> tuple[list[Any], list[Any]]:
    return ingest.read_inputs(list(paths), Settings(**settings))


def reasons(skipped: list[Any]) -> dict[str, str]:
    return {s.path: s.reason for s in skipped}


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ",", bom: bool = False
) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
