"""Which OCR text can be a label: rows cut where one label ends, text that is no word dropped."""

from rag.diagrams.types import TextLine
from rag.diagrams.words import clean_lines, split_at_gaps, text_size


def _line(text, x0, y0, x1, y1):
    return TextLine(text, (x0, y0, x1, y1), 0.95)


def test_a_row_is_cut_where_its_words_stand_a_label_apart_and_kept_whole_at_spaces():
    row = _line("Inferior vena cava Stomach", 100, 200, 560, 230)  # 30 px text
    words = [("Inferior", 100, 180), ("vena", 188, 240), ("cava", 248, 300), ("Stomach", 460, 560)]

    pieces = split_at_gaps(row, words)

    assert [piece.text for piece in pieces] == ["Inferior vena cava", "Stomach"]
    assert [piece.bbox for piece in pieces] == [(100, 200, 300, 230), (460, 200, 560, 230)]
    assert split_at_gaps(row, words[:3]) == [row], "spaces between words of one label do not cut it"


def test_a_row_of_characters_is_cut_without_inventing_spaces():
    row = _line("心脏肺", 0, 0, 200, 30)
    assert [piece.text for piece in split_at_gaps(row, [("心", 0, 30), ("脏", 32, 62), ("肺", 170, 200)])] == [
        "心脏", "肺"
    ]


def test_stray_characters_of_another_script_are_dropped_from_a_picture_labelled_in_latin_script():
    lines = [_line("Aorta", 0, 0, 80, 30), _line("二", 200, 0, 230, 30), _line("Left 口atrium", 0, 100, 160, 130),
             _line("α-helix", 0, 200, 100, 230)]  # fmt: skip

    assert [line.text for line in clean_lines(lines)] == ["Aorta", "Left atrium", "α-helix"]


def test_a_picture_labelled_in_another_script_keeps_its_labels():
    lines = [_line("心脏", 0, 0, 60, 30), _line("肺", 300, 0, 330, 30), _line("CO2", 0, 300, 60, 330)]
    assert [line.text for line in clean_lines(lines)] == ["心脏", "肺", "CO2"]


def test_the_atoms_and_formula_of_a_drawn_structure_go_but_panel_letters_callouts_and_formula_labels_stay():
    structure = [_line("O", 270, 115, 300, 145), _line("P", 335, 115, 365, 145), _line("O", 400, 115, 430, 145),
                 _line("O", 335, 180, 365, 210), _line("CH2—CH—CH2", 170, 230, 410, 275),
                 _line("O O P", 100, 600, 200, 630)]  # fmt: skip
    kept = [_line("(a)", 10, 10, 50, 40), _line("(b)", 700, 10, 740, 40), _line("1", 900, 300, 915, 330),
            _line("2", 900, 340, 915, 370), _line("CO2", 600, 500, 660, 530),
            _line("Phosphate", 610, 115, 750, 150)]  # fmt: skip

    assert [line.text for line in clean_lines(structure + kept)] == [line.text for line in kept]


def test_a_leader_line_read_as_a_dash_in_front_of_a_label_is_not_part_of_it():
    assert [line.text for line in clean_lines([_line("-Kidney", 740, 226, 823, 260)])] == ["Kidney"]


def test_text_size_reads_through_the_letters_a_row_holds():
    tall = _line("Left pulmonary", 1097, 230, 1244, 264)  # capitals, ascenders and descenders: 34 px box
    short = _line("veins", 1099, 259, 1154, 283)  # x-height and a dot only: 24 px box, same font
    heading = _line("Heart", 1000, 100, 1120, 148)  # a larger font

    assert abs(text_size(tall) / text_size(short) - 1) < 0.1
    assert text_size(heading) / text_size(tall) > 1.4
