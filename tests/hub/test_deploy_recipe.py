"""The recipe for larger courses (``deploy/``), checked as far as a machine without Docker or Kubernetes allows.

``config.yaml`` is valid YAML for zero-to-jupyterhub, names the image ``deploy/build-image.sh`` builds from this
repository's ``binder/``, and asks for exactly the per-learner resources ``deploy/sizing.py`` computes from the
measured room figures; the sizing table in ``deploy/README.md`` is the one the same figures give.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _sizing():
    spec = importlib.util.spec_from_file_location("deploy_sizing", DEPLOY / "sizing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((DEPLOY / "config.yaml").read_text())


def test_config_names_the_image_built_from_binder(config):
    script = (DEPLOY / "build-image.sh").read_text()
    default_image = re.search(r"^IMAGE=\$\{IMAGE:-([^}]+)\}", script, re.MULTILINE).group(1)
    assert config["singleuser"]["image"]["name"] == default_image
    assert config["singleuser"]["image"]["tag"] not in ("latest", ""), "pin the image to a commit"
    assert re.search(r"^repo2docker .*--image-name \"\$IMAGE:\$tag\" \.$", script, re.MULTILINE), "builds the root"


def test_config_asks_for_the_resources_the_measured_figures_give(config):
    sizing = _sizing()
    expected = sizing.z2jh_values(sizing.load())
    singleuser = config["singleuser"]
    assert singleuser["memory"] == expected["memory"]
    assert singleuser["cpu"] == expected["cpu"]


def test_config_culls_idle_servers_and_prepulls_the_image(config):
    assert config["cull"]["enabled"] is True and 0 < config["cull"]["timeout"] <= 3600
    assert config["prePuller"]["hook"]["enabled"] is True
    assert config["prePuller"]["continuous"]["enabled"] is True
    assert config["proxy"]["https"]["enabled"] is True, "browsers give the camera only to HTTPS pages"


def _shown_table(name: str) -> str:
    readme = (DEPLOY / "README.md").read_text()
    shown = re.search(rf"<!-- {name}: .*? -->\n(.*?)\n<!-- end of {name} -->", readme, re.DOTALL)
    assert shown, f"deploy/README.md has lost its {name} markers"
    return shown.group(1).strip()


def test_readme_tables_are_the_ones_the_measured_figures_give():
    sizing = _sizing()
    figures = sizing.load()
    assert _shown_table("sizing table") == sizing.table(figures).strip()
    assert _shown_table("measured figures") == sizing.figures_table(figures).strip()


def test_the_memory_limit_holds_a_learner_whose_page_cannot_run_the_face_model(config):
    limit_mib = int(config["singleuser"]["memory"]["limit"].removesuffix("M"))
    assert limit_mib >= _sizing().KERNEL_ROUTE_PEAK_MIB, "a take analysed in the kernel would be killed"


def test_the_figures_file_holds_what_the_room_test_prints():
    figures = _sizing().load()
    source = (Path(__file__).with_name("test_room.py")).read_text()
    printed = set(re.findall(r'^\s+"(\w+)": ', source, re.MULTILINE))
    assert printed <= set(figures), f"re-measure: deploy/room-figures.json lacks {sorted(printed - set(figures))}"


@pytest.mark.binder
def test_build_script_renders_the_binder_folder_with_repo2docker():
    venv_bin = Path(sys.executable).parent
    if shutil.which("repo2docker", path=str(venv_bin)) is None:
        pytest.skip("repo2docker is part of the test extra")
    result = subprocess.run(
        [str(DEPLOY / "build-image.sh"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{venv_bin}:{os.environ['PATH']}"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout
    assert "binder/requirements.txt" in dockerfile and "binder/postBuild" in dockerfile, dockerfile[-2000:]


def test_the_readme_and_the_guide_give_the_same_sizes():
    """The top README's room section shows the sizing table; the guide's launch section names the three routes,
    links the table and gives each room size's memory and cores."""
    import nbformat

    sizing = _sizing()
    figures = sizing.load()
    root = DEPLOY.parent
    readme = (root / "README.md").read_text()
    section = readme[readme.index("## A room or a course") :]
    section = section[: section.index("\n## ", 1)]
    assert sizing.table(figures).strip() in section, "README.md's room section shows an outdated sizing table"
    guide = nbformat.read(root / "lessons" / "facilitator_guide.ipynb", as_version=4)
    (launch,) = [" ".join(c.source.split()) for c in guide.cells if c.source.startswith("## Launching the suite")]
    for route in ("**Binder**", "**A hub.**", "**A laptop**"):
        assert route in launch, route
    assert "](../deploy/README.md#how-big-a-server)" in launch
    for learners in sizing.ROOM_SIZES:
        memory, cores = sizing.room(figures, learners)
        assert f"{memory:.0f} GiB and {cores} cores for {learners}" in launch, (learners, memory, cores)
