"""The wheel carries the compiled translation catalogues: ``*.mo`` files are not in git, so
``build_py`` compiles the ``.po`` catalogues it has copied into the build (Babel)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # a checkout compiles its own (make translations)
            return
        from babel.messages.frontend import CommandLineInterface

        catalogues = Path(self.build_lib, "journal", "translations")
        CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(catalogues)])


setup(cmdclass={"build_py": BuildPyWithCatalogues})
