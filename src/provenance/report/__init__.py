"""Renderers. Each takes a finished ``TraceResult`` and talks to the user; none runs a stage.

- ``jsonout``: the versioned JSON contract (``to_dict``/``dumps``; back: ``from_dict``/``loads``)
- ``terminal``: the rich view printed by ``provenance trace``
- ``html``: the self-contained HTML report (``render``/``write``; templates in ``templates/``)
- ``graphexport``: the derivation graph as GraphML, GEXF, DOT or node-link JSON (``write``)

Import the submodule you need; this package imports nothing, so ``--help`` stays fast.
"""
