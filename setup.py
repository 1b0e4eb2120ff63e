"""Packaging beside pyproject.toml: the built-in data (`data/`) ships inside the wheel as the package
`chungsuc_data`, where `chungsuc.settings` finds it when the project is installed (`pip install .`)
rather than run from a source checkout. Everything else is declared in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "chungsuc_data"],
    package_dir={"": "src", "chungsuc_data": "data"},
)
