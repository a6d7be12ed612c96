"""Hatch build hook: compile the text pass's C kernels (``src/provenance/_kernels.c``).

With a working C compiler the wheel carries ``provenance._kernels`` and is tagged for this
interpreter and platform; without one (or when compiling fails) the build says so and goes
on, and the package runs on its pure-Python path (``provenance.kernels``). An editable
install builds the extension next to the sources, where the editable path finds it.
``PROVENANCE_PURE_BUILD=1`` skips compiling on purpose (to test the pure install).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from setuptools import Distribution, Extension
from setuptools.command.build_ext import build_ext

_SOURCE = "src/provenance/_kernels.c"


def compile_kernels(root: Path, build_lib: Path) -> Path:
    """Compile the extension into ``build_lib/provenance/`` with the compiler Python was
    built with (setuptools finds it, MSVC included); the path of the built module."""
    extension = Extension("provenance._kernels", [str(root / _SOURCE)])
    command = build_ext(Distribution({"name": "provenance-kernels", "ext_modules": [extension]}))
    with tempfile.TemporaryDirectory() as temp:
        command.build_lib = str(build_lib)
        command.build_temp = temp
        command.ensure_finalized()
        command.run()
    return Path(command.get_ext_fullpath("provenance._kernels"))


class KernelsBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"
    _temporary: Path | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get("PROVENANCE_PURE_BUILD", "") not in ("", "0"):
            self.app.display_info("provenance: PROVENANCE_PURE_BUILD is set: pure-Python build")
            return
        root = Path(self.root)
        editable = version == "editable"
        build_lib = root / "src" if editable else Path(tempfile.mkdtemp(prefix="kernels-"))
        self._temporary = None if editable else build_lib
        try:
            built = compile_kernels(root, build_lib)
        except Exception as error:  # no compiler, no headers, a failed compile: all the same
            self.app.display_warning(
                f"provenance: the compiled kernels were not built ({error}); "
                "installing the pure-Python path, which gives the same results more slowly"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if not editable:
            build_data["force_include"][str(built)] = f"provenance/{built.name}"
        self.app.display_info(f"provenance: built the compiled kernels ({built.name})")

    def finalize(self, _version: str, _build_data: dict[str, Any], _artifact: str) -> None:
        if self._temporary is not None:  # a wheel's extension was built outside the tree
            shutil.rmtree(self._temporary, ignore_errors=True)
