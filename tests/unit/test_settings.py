"""The one settings loader: key paths, "did you mean", typed coercion, nested and tuple fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aceforge.errors import ConfigError
from aceforge.settings import build, load, read_yaml


@dataclass(frozen=True)
class Inner:
    name: str = "a"
    weight: float = 1.0


@dataclass(frozen=True)
class Outer:
    learning_rate: float = 5e-7
    steps: int = 3
    on: bool = False
    label: str | None = None
    inner: Inner = field(default_factory=Inner)
    extra: Inner | None = None  # an optional section: named at all, it is on
    many: tuple[Inner, ...] = (Inner(),)
    sizes: tuple[int, ...] = (1, 2)
    band: list[float] | None = None
    columns: dict[str, str] | None = None


def problems(data: object) -> list[str]:
    errors: list[str] = []
    build(Outer, data, "", errors)
    return errors


def test_values_over_defaults_with_nested_sections() -> None:
    cfg = load(Outer, {"steps": 5, "inner": {"weight": 2}, "many": [{"name": "x"}, {}], "sizes": [4]})
    assert cfg.steps == 5 and cfg.inner == Inner("a", 2.0) and isinstance(cfg.inner.weight, float)
    assert cfg.many == (Inner("x"), Inner()) and cfg.sizes == (4,)
    assert cfg.learning_rate == Outer().learning_rate and cfg.extra is None
    assert load(Outer, {"many": {"name": "y"}}).many == (Inner("y"),)  # one section for a list of them


def test_unknown_keys_name_their_path_and_the_closest_key() -> None:
    assert problems({"stepz": 1, "inner": {"wieght": 1}, "many": [{}, {"nmae": "b"}]}) == [
        "stepz: unknown key (did you mean 'steps'?)",
        "inner.wieght: unknown key (did you mean 'weight'?)",
        "many[1].nmae: unknown key (did you mean 'name'?)",
    ]
    assert problems({"zzz": 1}) == ["zzz: unknown key"]


def test_wrong_types_are_named_with_path_and_value() -> None:
    assert problems({"learning_rate": "abc", "steps": 1.5, "on": "yes", "inner": {"name": 3}}) == [
        "learning_rate: must be float, got str 'abc'",
        "steps: must be int, got float 1.5",
        "on: must be bool, got str 'yes'",
        "inner.name: must be str, got int 3",
    ]
    assert problems({"steps": True}) == ["steps: must be int, got bool True"]
    assert problems({"inner": 3}) == ["inner: must be a mapping, got int"]
    assert problems({"sizes": [1, "x"], "band": 0.5}) == [
        "sizes[1]: must be int, got str 'x'",
        "band: must be a list, got float 0.5",
    ]
    assert problems({"columns": {"program": 1}}) == ["columns.program: must be str, got int 1"]


def test_numbers_pyyaml_reads_as_strings_are_taken_for_floats() -> None:
    # PyYAML (YAML 1.1) reads 1e-4 without a dot as a string
    cfg = load(Outer, {"learning_rate": "1e-4", "band": [0, "0.8"]})
    assert cfg.learning_rate == 1e-4 and cfg.band == [0.0, 0.8]
    assert problems({"steps": "3"}) == ["steps: must be int, got str '3'"]  # ints are not guessed
    assert problems({"learning_rate": "nan"}) == ["learning_rate: must be float, got str 'nan'"]


def test_optional_sections_and_values() -> None:
    assert load(Outer, {"extra": None}).extra == Inner()  # `extra:` with nothing under it: on
    assert load(Outer, {"extra": True}).extra == Inner()
    assert load(Outer, {"extra": False}).extra is None
    assert load(Outer, {"extra": {"name": "z"}}).extra == Inner("z")
    assert load(Outer, {"label": None, "columns": {"a": "b"}}).columns == {"a": "b"}


def test_load_reports_every_problem_at_once_with_its_source() -> None:
    with pytest.raises(ConfigError) as err:
        load(Outer, {"stepz": 1, "on": 2}, "run.yaml")
    assert str(err.value).startswith("run.yaml: 2 problem(s):\n  stepz: unknown key")
    with pytest.raises(ConfigError, match="top level: must be a mapping, got list"):
        load(Outer, [1, 2])


def test_read_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with pytest.raises(ConfigError, match=r"c\.yaml: config file not found"):
        read_yaml(path)
    path.write_text("a: [unclosed\n")
    with pytest.raises(ConfigError, match=r"c\.yaml: invalid YAML"):
        read_yaml(path)
    path.write_text("- 1\n")
    with pytest.raises(ConfigError, match=r"c\.yaml: top level: must be a mapping"):
        read_yaml(path)
    path.write_text("")
    assert read_yaml(path) == {}
    path.write_text("learning_rate: 1e-4\nsteps: 2\n")
    assert load(Outer, read_yaml(path)).learning_rate == 1e-4
