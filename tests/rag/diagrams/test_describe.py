"""describe() states every part and connection in plain sentences a screen reader can speak."""

from rag.diagrams import DiagramAnalysis, DiagramEdge, DiagramNode, describe


def _analysis(labels, edges, title="", groups=None):
    groups = groups or {}
    nodes = [
        DiagramNode(f"n{i}", label, (0, 0, 1, 1), 1.0, groups.get(label, "")) for i, label in enumerate(labels, start=1)
    ]
    ids = {label: f"n{i}" for i, label in enumerate(labels, start=1)}
    return DiagramAnalysis(
        title=title,
        width=10,
        height=10,
        nodes=nodes,
        edges=[DiagramEdge(ids[a], ids[b], directed, label) for a, b, directed, label in edges],
    )


def test_a_cycle_is_described_with_every_step_and_named_as_a_cycle():
    text = describe(
        _analysis(
            ["Evaporation", "Condensation", "Precipitation", "Collection"],
            [
                ("Evaporation", "Condensation", True, ""),
                ("Condensation", "Precipitation", True, ""),
                ("Precipitation", "Collection", True, ""),
                ("Collection", "Evaporation", True, ""),
            ],
            title="The Water Cycle",
        )
    )

    assert text == (
        "Diagram: The Water Cycle. It has 4 parts: Evaporation, Condensation, Precipitation and Collection. "
        "Evaporation leads to Condensation. Condensation leads to Precipitation. Precipitation leads to Collection. "
        "Collection leads to Evaporation. The steps form a cycle: Evaporation, Condensation, Precipitation and "
        "Collection, then back to Evaporation."
    )


def test_a_chain_names_its_first_and_last_step():
    text = describe(_analysis(["Egg", "Larva", "Pupa"], [("Egg", "Larva", True, ""), ("Larva", "Pupa", True, "")]))

    assert text.endswith("The steps form a chain from Egg to Pupa.")


def test_branches_labels_lines_groups_and_loose_parts_are_all_spelled_out():
    text = describe(
        _analysis(
            ["Ecosystem", "Sun", "Plants", "Animals", "Rocks", "Legend"],
            [
                ("Sun", "Plants", True, "light"),
                ("Sun", "Animals", True, ""),
                ("Sun", "Rocks", True, ""),
                ("Plants", "Animals", False, ""),
            ],
            groups={"Sun": "n1", "Plants": "n1", "Animals": "n1", "Rocks": "n1"},
        )
    )

    assert text.startswith("Diagram. It has 6 parts: Ecosystem, Sun, Plants, Animals, Rocks and Legend. ")
    assert "Ecosystem contains Sun, Plants, Animals and Rocks." in text
    assert "Sun leads to Plants (light)." in text
    assert "Sun leads to Animals and Rocks." in text
    assert "Plants is connected to Animals." in text
    assert "Legend is not connected to other parts." in text
    assert "chain" not in text and "cycle" not in text


def test_an_empty_analysis_says_nothing_was_recognised():
    assert describe(_analysis([], [])) == "Diagram. No labelled parts were recognised."


def test_callout_numbers_and_panel_letters_are_no_parts_and_join_nothing():
    text = describe(_analysis(["(a)", "Sun", "2", "Earth", "b"], [("2", "Sun", False, ""), ("Sun", "Earth", True, "")]))

    assert "It has 2 parts: Sun and Earth." in text
    assert "2 is connected" not in text and "(a)" not in text
    assert "Sun leads to Earth." in text


def _placed(labels_at: dict[str, tuple[float, float]]) -> DiagramAnalysis:
    nodes = [DiagramNode(f"n{i}", label, (x, y, x + 40, y + 10), 1.0)
             for i, (label, (x, y)) in enumerate(labels_at.items(), start=1)]
    return DiagramAnalysis(title="", width=600, height=300, nodes=nodes, edges=[])


def test_parts_are_grouped_by_the_panel_they_sit_in_whether_the_letter_is_under_or_beside_it():
    under = _placed({"Mouth": (20, 40), "Tongue": (120, 90), "(a)": (90, 250),
                     "Stomach": (330, 60), "Liver": (420, 120), "(b)": (400, 250)})
    assert "It has 2 panels. Panel (a) shows Mouth and Tongue. Panel (b) shows Stomach and Liver." in describe(under)
    corner = _placed({"A": (10, 10), "Root": (60, 150), "Stem": (80, 60), "B": (300, 10), "Leaf": (360, 80)})
    assert "Panel (a) shows Root and Stem. Panel (b) shows Leaf." in describe(corner)


def test_one_letter_or_letters_out_of_order_make_no_panels():
    assert "It has 2 parts: Mouth and Tongue." in describe(_placed({"(a)": (10, 10), "Mouth": (20, 40),
                                                                     "Tongue": (300, 40)}))
    assert "panels" not in describe(_placed({"(b)": (10, 10), "Mouth": (20, 40), "(a)": (300, 10),
                                             "Tongue": (320, 40)}))
