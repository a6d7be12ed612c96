"""Renderers. Each takes a finished ``TraceResult`` and talks to the user; none runs a stage.

- ``jsonout``: the versioned JSON contract (``to_dict``/``dumps``; back: ``from_dict``/``loads``)
- ``terminal``: the rich view printed by ``provenance trace``

Import the submodule you need; this package imports nothing, so ``--help`` stays fast.
"""
