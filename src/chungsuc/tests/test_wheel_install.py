"""Deploying with `pip install .` as the README says (issue 7 §8): the built wheel, installed into a
fresh virtual environment, finds its built-in data inside the package (`chungsuc_data`), migrates,
loads it, and keeps uploads in CHUNGSUC_MEDIA_ROOT (or var/ in the working folder), never inside the
virtual environment.

No download: the wheel is built with the running environment's setuptools (`--no-build-isolation`),
installed with `--no-deps --no-index`, and its dependencies are the running environment's packages,
reached through a .pth file in the fresh environment (so the fresh environment's own `chungsuc` — the
wheel — comes first, never the source tree)."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _run(args, *, env=None, cwd=None, timeout=900):
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not (ROOT / "pyproject.toml").is_file() or not (ROOT / "data").is_dir():
        pytest.skip("needs the source checkout (pyproject.toml and data/) to build the wheel from")
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "var", "*.sqlite3")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    shutil.copytree(ROOT / "data", source / "data", ignore=ignore)
    wheels = tmp / "wheels"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        cwd=tmp,
    )
    (wheel,) = wheels.glob("chungsuc-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--ignore-installed",  # pip runs from the running environment, which has the editable one
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ]
    )
    # then (so that pip does not see the source tree's editable install) the running environment's
    # packages (Django, …), after the fresh environment's own
    shared = [p for p in [sysconfig.get_paths()["purelib"], *site.getsitepackages()] if Path(p).is_dir()]
    (purelib / "zz_shared_packages.pth").write_text("\n".join(dict.fromkeys(shared)) + "\n")
    return {"venv": venv, "python": python, "purelib": purelib, "tmp": tmp}


def _env(installed, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHUNGSUC_", "DJANGO_", "DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{installed['tmp'] / 'prod.sqlite3'}",
            "CHUNGSUC_SECRET_KEY": "wheel-test-" + "x" * 40,
            "CHUNGSUC_STATIC_MANIFEST": "0",
            **extra,
        }
    )
    return env


def test_the_installed_wheel_loads_its_data_and_keeps_uploads_out_of_the_venv(installed):
    venv, python, tmp = installed["venv"], installed["python"], installed["tmp"]
    work = tmp / "srv"
    work.mkdir()
    media = tmp / "media"
    env = _env(installed, CHUNGSUC_MEDIA_ROOT=str(media))
    where = _run(
        [
            str(python),
            "-c",
            textwrap.dedent(
                """
            import chungsuc, django
            from django.conf import settings
            django.setup()
            print(chungsuc.__file__)
            print(settings.DATA_DIR)
            print(settings.MEDIA_ROOT)
            print(settings.SOURCE_CHECKOUT)
            """
            ),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "chungsuc.settings"},
        cwd=work,
    ).split()
    package, data_dir, media_root, source_checkout = where
    assert Path(package).is_relative_to(venv), "the wheel's chungsuc, not the source tree"
    assert Path(data_dir).is_relative_to(venv) and (Path(data_dir) / "criteria" / "frameworks.yaml").is_file()
    assert Path(media_root) == media and source_checkout == "False"

    chungsuc = venv / "bin" / "chungsuc"
    _run([str(chungsuc), "migrate", "--noinput", "-v", "0"], env=env, cwd=work)
    _run([str(chungsuc), "load_builtin"], env=env, cwd=work)
    counts = _run(
        [
            str(python),
            "-c",
            textwrap.dedent(
                """
            import django
            django.setup()
            from chungsuc.criteria.models import Framework
            from chungsuc.geo.models import Unit
            from chungsuc.core.files import store_upload
            print(Unit.objects.count(), Framework.objects.count())
            stored = store_upload(b"%PDF-1.4\\n%%EOF\\n", folder="evidence", name="bien-ban.pdf")
            print(stored.name)
            """
            ),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "chungsuc.settings"},
        cwd=work,
    ).split()
    units, frameworks, stored_name = int(counts[0]), int(counts[1]), counts[2]
    assert units > 100 and frameworks >= 5
    assert (media / stored_name).is_file()
    # nothing of the running site inside the virtual environment: no uploads, no database, no var/
    assert not [p for p in venv.rglob("*") if p.suffix in (".pdf", ".sqlite3") or p.name == "secret_key"]
    assert (work / "var").is_dir()  # the secret key and static build live in the working folder
