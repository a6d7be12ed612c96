"""One module per input format, each turning one file (or record) into document text and
metadata:

* ``text``: plain text (``.txt``; also stdin that is nothing else): its headline rule.
* ``markdown``: Markdown (``.md``), and front matter, which a ``.txt`` file may open with too.
* ``html``: HTML (``.html``): trafilatura, falling back to the text of ``<body>``.
* ``jsonl``: JSON Lines (``.jsonl``, ``.jsonl.gz``): one document per record.
* ``tables``: CSV, TSV and Parquet: one document per row (read through ``jsonl``'s records).
* ``webarchive``: WARC and ARC files: one document per HTML page (read as ``html`` is).

``ingest.read`` picks the format by the file's name; ``ingest.document`` finishes what the
format extracted.
"""
