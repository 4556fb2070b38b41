import pytest

from aceforge.execution.decide import EvalError, ExprResult, decide
from aceforge.execution.plan import plan_assert


def verdict(test: str, *values, **kw):
    plan = plan_assert(test)
    assert plan.kind == "oracle", plan
    results = [v if isinstance(v, ExprResult) else ExprResult(value=v) for v in values]
    return decide(plan.node, results, kw.get("rel_tol", 1e-9), kw.get("abs_tol", 0.0))


@pytest.mark.parametrize(
    "test, exprs",
    [
        ("assert f(1) == [1, 2]", ("f(1)",)),
        ("assert [1, 2] == f(1)", ("f(1)",)),
        ("assert f(1) != 3", ("f(1)",)),
        ("assert f(x=1) is None", ("f(x=1)",)),
        ("assert not f(2)", ("f(2)",)),
        ("assert f(2)", ("f(2)",)),
        ("assert math.isclose(f(2), 0.5, rel_tol=1e-3)", ("f(2)",)),
        ("assert abs(f(2) - 0.5) < 1e-6", ("f(2)",)),
        ("assert f(1) == 2 and f(2) == 3", ("f(1)", "f(2)")),
        ("assert f(1) == float('inf')", ("f(1)",)),
        ("assert f(1) == -3.5", ("f(1)",)),
        ("assert f(1) == g(2)", ("f(1)", "g(2)")),
        ("assert 1 == 1", ()),
        ("assert 0 < f(1) <= 5", ("f(1)",)),
    ],
)
def test_expected_literals_never_enter_the_sandbox(test, exprs):
    plan = plan_assert(test)
    assert plan.kind == "oracle"
    assert plan.exprs == exprs


@pytest.mark.parametrize(
    "test",
    [
        "x = f(1)\nassert x == 2",
        "for i in range(3):\n    assert f(i) == i",
        "def check(c):\n    assert c(1)\ncheck(f)",
        "f(1)",
        "assert (",
        "print('hi')",
    ],
)
def test_other_shapes_run_whole_in_the_sandbox(test):
    assert plan_assert(test).kind == "exec"


def test_comparisons_follow_python_on_plain_data():
    assert verdict("assert f(1) == [1, 2]", [1, 2]) is True
    assert verdict("assert f(1) == [1, 2]", (1, 2)) is False
    assert verdict("assert f(1) != 3", 4) is True
    assert verdict("assert f(1) < 3", 2) is True
    assert verdict("assert 3 >= f(1)", 4) is False
    assert verdict("assert f(1) in [1, 2]", 2) is True
    assert verdict("assert f(1) in [1, 2]", True) is False  # bool is not int
    assert verdict("assert 'b' in f(1)", "abc") is True
    assert verdict("assert f(1) not in {1: 2}", 1) is False
    assert verdict("assert f(1) is None", None) is True
    assert verdict("assert f(1) is True", 1) is False
    assert verdict("assert f(1) is not None", 0) is True
    assert verdict("assert not f(2)", []) is True
    assert verdict("assert f(2)", "x") is True
    assert verdict("assert math.isclose(f(2), 0.5, rel_tol=1e-3)", 0.5004) is True
    assert verdict("assert abs(f(2) - 0.5) < 1e-6", 0.5001) is False
    assert verdict("assert abs(0.5 - f(2)) <= 1e-3", 0.5001) is True
    assert verdict("assert 0 < f(1) <= 5", 5) is True
    assert verdict("assert 0 < f(1) <= 5", 6) is False


def test_short_circuit_matches_python():
    boom = ExprResult(error="ZeroDivisionError")
    assert verdict("assert f(1) == 2 and f(2) == 3", 1, boom) is False  # `and` stops at the false part
    assert verdict("assert f(1) == 1 or f(2) == 3", 1, boom) is True
    with pytest.raises(EvalError) as e:
        verdict("assert f(1) == 1 and f(2) == 3", 1, boom)
    assert e.value.outcome == "error" and e.value.detail == "ZeroDivisionError"


def test_unserializable_values_fail_with_reason_and_memory_errors_map():
    with pytest.raises(EvalError) as e:
        verdict("assert f(1) == 1", ExprResult(unserializable="type Thing cannot be compared"))
    assert e.value.outcome == "failed" and "Thing" in e.value.detail
    with pytest.raises(EvalError) as e:
        verdict("assert f(1) == 1", ExprResult(error="MemoryError"))
    assert e.value.outcome == "memory"
    with pytest.raises(EvalError):
        verdict("assert f(1) < 3", "a")  # TypeError as in Python


RAISES = (
    "try:\n    f(-1)\nexcept LookupError:\n    pass\nelse:\n    raise AssertionError('f(-1) should raise')"
)


def test_an_exception_test_is_judged_in_the_parent_from_the_type_name() -> None:
    plan = plan_assert(RAISES)
    assert plan.kind == "oracle" and plan.exprs == ("f(-1)",)
    assert verdict(RAISES, ExprResult(error="LookupError")) is True
    assert verdict(RAISES, ExprResult(error="KeyError")) is True  # a builtin subclass is caught
    assert verdict(RAISES, 3) is False  # returned a value: the else branch fails
    with pytest.raises(EvalError) as e:  # another exception propagates, as in Python
        verdict(RAISES, ExprResult(error="TypeError"))
    assert e.value.outcome == "error" and e.value.detail == "TypeError"
    with pytest.raises(EvalError):  # a program's own class named like a builtin's subclass is not
        verdict(RAISES, ExprResult(error="MyLookupError"))
    other = "try:\n    f(1)\nexcept ValueError as e:\n    pass\nelse:\n    raise AssertionError"
    assert plan_assert(other).kind == "exec"  # any other shape runs whole in the sandbox
    assert plan_assert(RAISES.replace("raise AssertionError('f(-1) should raise')", "pass")).kind == "exec"
