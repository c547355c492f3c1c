"""PEP 517 build backend of the pre-commit placeholder (the root pyproject.toml).

pre-commit installs the `cercle` hook with `pip install .` at the root of this
repository. This backend builds a wheel with no code, `cercle-pre-commit`,
whose only requirement is the `cercle` wheel of the version in Cargo.toml: pip
then installs the prebuilt binary (from PyPI, or from `--find-links`), and
the hook's `cercle` is on the hook environment's PATH. Standard library only,
so that building it downloads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import zipfile

NAME = "cercle_pre_commit"
SUMMARY = "pre-commit hook of cercle: installs the cercle wheel of the same version"
HOME = "https://github.com/cercle-lint/cercle"


def _version() -> str:
    """The `version` of Cargo.toml's [package] section (the crate's version is
    the wheel's: maturin takes it from there)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "Cargo.toml"), encoding="utf-8") as f:
        text = f.read()
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.S | re.M)
    if package:
        version = re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.M)
        if version:
            return version.group(1)
    raise RuntimeError("Cargo.toml: no version in [package]")


def _metadata(version: str) -> str:
    return (
        "Metadata-Version: 2.1\n"
        "Name: cercle-pre-commit\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        f"Home-page: {HOME}\n"
        "License: MIT OR Apache-2.0\n"
        f"Requires-Dist: cercle=={version}\n"
    )


def _files(version: str) -> dict[str, str]:
    info = f"{NAME}-{version}.dist-info"
    return {
        f"{info}/METADATA": _metadata(version),
        f"{info}/WHEEL": (
            "Wheel-Version: 1.0\n"
            "Generator: cercle pre_commit_placeholder\n"
            "Root-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"{name},sha256={digest.decode()},{len(data)}\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = _version()
    info = f"{NAME}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    for name, text in _files(version).items():
        with open(os.path.join(metadata_directory, name), "w", encoding="utf-8") as f:
            f.write(text)
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    files = _files(version)
    record_name = f"{NAME}-{version}.dist-info/RECORD"
    record = io.StringIO()
    wheel_name = f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(
        os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED
    ) as whl:
        for name, text in files.items():
            data = text.encode("utf-8")
            whl.writestr(name, data)
            record.write(_record_line(name, data))
        record.write(f"{record_name},,\n")
        whl.writestr(record_name, record.getvalue())
    return wheel_name
