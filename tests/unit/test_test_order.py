"""The suite's order (tests/conftest.py): random by seed, files kept together, outages last."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.conftest import test_order


@dataclass(eq=False)
class Node:
    nodeid: str
    markers: tuple[str, ...] = ()
    parent: Node | None = field(default=None, repr=False)

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.markers else None


def items() -> list[Node]:
    out = []
    for f in range(6):
        module = Node(f"tests/t{f}.py")
        out += [Node(f"{module.nodeid}::test_{t}", parent=module) for t in range(5)]
    out.insert(3, Node("tests/k.py::test_outage", ("kafka_outage",), Node("tests/k.py")))
    out.insert(0, Node("tests/d.py::test_drill", ("drill",), Node("tests/d.py")))
    return out


def ids(nodes) -> list[str]:
    return [n.nodeid for n in nodes]


def test_a_seed_gives_one_order_and_another_seed_another():
    assert ids(test_order(items(), 7)) == ids(test_order(items(), 7))
    assert ids(test_order(items(), 7)) != ids(test_order(items(), 8))
    assert sorted(ids(test_order(items(), 7))) == sorted(ids(items()))


def test_no_seed_keeps_collection_order_but_still_puts_outages_last():
    ordered = ids(test_order(items(), None))
    assert ordered[-2:] == ["tests/k.py::test_outage", "tests/d.py::test_drill"]
    assert ordered[:-2] == [i for i in ids(items()) if i not in ordered[-2:]]


def test_files_stay_together_and_the_outage_then_the_drills_run_last():
    for seed in range(20):
        ordered = ids(test_order(items(), seed))
        assert ordered[-2:] == ["tests/k.py::test_outage", "tests/d.py::test_drill"]
        files = [i.split("::")[0] for i in ordered[:-2]]
        runs = [f for n, f in enumerate(files) if n == 0 or files[n - 1] != f]
        assert len(runs) == len(set(runs)) == 6, "each file's tests run one after another"
