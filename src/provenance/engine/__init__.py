"""The engines that run the stages after reading: ``local`` (this machine, a process pool:
``pool``) and ``dask`` (a Dask cluster), and what they share (``common``)."""
