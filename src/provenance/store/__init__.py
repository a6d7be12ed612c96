"""What provenance keeps on disk: the fingerprint ``cache``, the ``stages`` folder, the
``index`` of known sources, and the ``atomic`` writes they (and every output file) go through."""
