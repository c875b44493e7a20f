"""The layers contract covers every module.

``lint-imports`` (in ``make test``) checks that no layer imports one above it, but only
for the modules the contract lists: a new module nobody placed would go unchecked. This
fails until it is placed (pyproject.toml, ``[tool.importlinter]``).
"""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cms", "home", "news", "search")
# Settings: configuration, which nothing in the layers imports.
NOT_LAYERED = {"cms.settings"}


def layer_modules():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["id"] == "layers"]
    return [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]


def project_modules():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                if has_code(path):
                    yield ".".join(parts[:-1])  # a package module with code of its own
                continue
            yield ".".join(parts)


def has_code(path):
    """True unless the module holds at most a docstring."""
    body = ast.parse(path.read_text()).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


def covered(module, layered):
    return any(module == name or module.startswith(name + ".") for name in layered)


def test_every_module_is_in_a_layer():
    layered = layer_modules()
    missing = sorted(
        module
        for module in project_modules()
        if not covered(module, layered) and not covered(module, NOT_LAYERED)
    )
    assert missing == [], f"place these modules in a layer in pyproject.toml: {missing}"


def test_no_module_is_in_two_layers():
    layered = layer_modules()
    assert len(layered) == len(set(layered))
