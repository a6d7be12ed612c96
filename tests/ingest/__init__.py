"""Tests of the ingest package (``provenance.ingest``), one file per module."""
