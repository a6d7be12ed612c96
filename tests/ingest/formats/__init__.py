"""Tests of the input formats (``provenance.ingest.formats``), one file per format."""
