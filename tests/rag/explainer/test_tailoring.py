"""Simple-band sentences are split and use everyday words; other bands are left as the model wrote them."""

from rag.tailoring import fk_grade, syllables, tailor_sentence

LONG = ("Evaporation is the process by which heat from the Sun transforms liquid water into vapour, "
        "and the vapour then rises into the atmosphere, which is approximately where clouds form.")


def test_fk_grade_rises_with_longer_sentences_and_longer_words():
    assert fk_grade("The cat sat. It was warm.") < fk_grade(LONG)
    assert fk_grade("") == 0.0
    assert syllables("cat") == 1
    assert syllables("condensation") >= 3


def test_simple_band_splits_long_sentences_and_swaps_hard_words():
    pieces = tailor_sentence(LONG, reading_level=4)
    assert len(pieces) >= 3
    assert all(piece[0].isupper() and piece.endswith(".") for piece in pieces)
    simplified = " ".join(pieces)
    assert "approximately" not in simplified and "about" in simplified
    assert "transforms" not in simplified and "changes" in simplified
    assert fk_grade(simplified) <= fk_grade(LONG) - 3


def test_short_sentences_are_not_cut():
    assert tailor_sentence("Water turns into vapour.", reading_level=3) == ["Water turns into vapour."]


def test_higher_bands_keep_the_sentence_as_written():
    assert tailor_sentence(LONG, reading_level=11) == [LONG]
    assert tailor_sentence(LONG, reading_level=7) == [LONG]


def test_a_sentence_is_not_cut_after_a_list_or_an_aside():
    sentence = "Decomposers, such as fungi, bacteria and earthworms, break down dead plants and animals."
    assert tailor_sentence(sentence, reading_level=4) == [sentence]


def test_a_sentence_is_not_cut_into_fragments():
    for sentence in [
        "Unlike the atrioventricular valves, there are no papillary muscles associated with the pulmonary valve.",
        "Absorption is a complex process, in which nutrients from digested food are harvested by the cells.",
        "Roaming around the alveolar wall is the alveolar macrophage, a phagocytic cell of the immune system.",
        "When the droplets become too heavy to float in the air, they fall to the ground as precipitation.",
    ]:
        pieces = tailor_sentence(sentence, reading_level=4)
        assert not any(piece.split()[0].lower() in {"unlike", "in", "a"} for piece in pieces[1:]), pieces
        assert not pieces[0].endswith(("valves.", "air.")), pieces
        assert not any(piece.split()[0].lower() in {"called", "or", "and"} for piece in pieces), pieces


def test_everyday_words_keep_the_grammar():
    simplified = " ".join(tailor_sentence("A concentration gradient is the difference in concentration of a "
                                          "substance across a space.", reading_level=4))
    assert "a stuff" not in simplified


def test_a_which_clause_becomes_a_sentence_that_names_what_it_stands_for():
    assert tailor_sentence("Some integral membrane proteins are glycoproteins, which extend into the extracellular "
                           "matrix.", reading_level=4) == ["Some integral membrane proteins are glycoproteins.",
                                                           "Glycoproteins extend into the extracellular matrix."]
    pieces = tailor_sentence("The two main parts of a tooth are the crown, which is the part above the gum line, "
                             "and the root, which is held within the jaw bones.", reading_level=4)
    assert pieces[0].startswith("The two main parts of a tooth are the crown and the root")
    assert "The crown is the part above the gum line." in pieces


def test_an_appositive_becomes_a_sentence_about_what_it_names():
    assert tailor_sentence("Roaming around the alveolar wall is the alveolar macrophage, a phagocytic cell of the "
                           "immune system.", reading_level=4) == [
        "Roaming around the alveolar wall is the alveolar macrophage.",
        "The alveolar macrophage is a phagocytic cell of the immune system."]


def test_clauses_with_their_own_subject_are_cut_at_their_conjunction_or_semicolon():
    assert tailor_sentence("Enlarged hearts are not always a result of exercise; they can result from diseases of "
                           "the heart muscle.", reading_level=4) == [
        "Enlarged hearts are not always a result of exercise.", "They can result from diseases of the heart muscle."]
    assert tailor_sentence("The stomach churns the food for several hours, but the small intestine absorbs most of "
                           "the nutrients.", reading_level=4) == [
        "The stomach churns the food for several hours.", "But the small intestine takes in most of the nutrients."]


def test_pieces_without_a_subject_of_their_own_stay_attached():
    for sentence in [
        "The Golgi apparatus changes products from the rough ER, and also makes new organelles called lysosomes.",
        "After processing the nutrients and toxins, the liver sends nutrients needed by other cells to the blood.",
    ]:
        assert tailor_sentence(sentence, reading_level=4) == [sentence]


def test_young_readers_are_spared_the_asides_in_brackets():
    assert tailor_sentence("A dark mass is called a nucleolus (plural = nucleoli).", reading_level=4) == [
        "A dark mass is called a nucleolus."]
