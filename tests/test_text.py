"""Unit tests for the text stage: normalization, tokens, paragraphs, sentences, quotations."""

from __future__ import annotations

from provenance import text as tx
from provenance.models import Span


def _texts(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_normalize_folds_case_quotes_and_accents() -> None:
    assert tx.normalize("“Ça” ‘va’ «bien» ``TeX'' 5′") == '"ca" \'va\' "bien" "tex" 5\''


def test_normalize_map_points_back_into_the_original() -> None:
    source = "  Café  “Déjà”\n\nvu ``x''"
    normalized, offsets = tx.normalize_map(source)
    assert len(normalized) == len(offsets)
    for ch, off in zip(normalized, offsets, strict=True):
        if ch != " ":
            assert tx.normalize(source[off]) in {ch, '"'} or source[off : off + 2] in {"``", "''"}


def test_normalize_arabic_folds_hamza_and_harakat() -> None:
    assert tx.normalize("أَحْمَد") == tx.normalize("احمد")


def test_tokens_keep_offsets_in_every_script() -> None:
    text = "Syria’s al-Sharaa said: 中国政府宣布 हिन्दी الْعَرَبِيَّة"
    tokens = tx.tokenize(text)
    for tok in tokens:
        assert text[tok.start : tok.end]
    norms = [t.norm for t in tokens]
    assert norms[:3] == ["syria's", "al", "sharaa"]
    assert "中" in norms and "布" in norms  # one token per ideograph
    assert "हिन्दी" in norms  # vowel signs stay inside the word
    assert "العربيه" in norms  # vowel marks dropped, taa marbuta folded


def test_content_terms_drop_stopwords_and_stem() -> None:
    norms = [t.norm for t in tx.tokenize("Syria is joining the coalition, joined by others")]
    assert tx.content_terms(norms) == ["syria", "join", "coalit", "join", "other"]


def test_content_terms_use_bigrams_for_ideographs() -> None:
    norms = [t.norm for t in tx.tokenize("政府宣布")]
    assert tx.content_terms(norms) == ["政府", "府宣", "宣布"]


def test_paragraphs_one_per_line_in_scraped_text() -> None:
    text = "First paragraph here.\nSecond one.\n\nThird.\n"
    assert _texts(text, tx.paragraphs(text)) == ["First paragraph here.", "Second one.", "Third."]


def test_paragraphs_in_hard_wrapped_text_are_separated_by_blank_lines() -> None:
    line = "Inheritance is a basic concept of object oriented programming where"
    text = "\n".join([line] * 5) + "\n\n" + "\n".join([line] * 4)
    paras = tx.paragraphs(text)
    assert len(paras) == 2


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = "The U.S. President met Mr. Smith on Nov. 10 in Washington. He said no. Then left!"
    assert _texts(text, tx.sentences(text)) == [
        "The U.S. President met Mr. Smith on Nov. 10 in Washington.",
        "He said no.",
        "Then left!",
    ]


def test_sentences_in_cjk_and_urdu() -> None:
    text = "政府今天宣布新政策。市民表示欢迎！\nیہ پہلا جملہ ہے۔ یہ دوسرا جملہ ہے۔"
    assert _texts(text, tx.sentences(text)) == [
        "政府今天宣布新政策。",
        "市民表示欢迎！",
        "یہ پہلا جملہ ہے۔",
        "یہ دوسرا جملہ ہے۔",
    ]


def test_sentence_ends_after_closing_quote() -> None:
    text = "He said “it is over.” Then he left."
    assert _texts(text, tx.sentences(text)) == ["He said “it is over.”", "Then he left."]


def test_quotation_spans_all_styles() -> None:
    text = (
        "A “curly” and \"straight\" and «guillemets» and ``tex'' and 「kagi」 "
        "and ‘single’ but not Syria’s apostrophe."
    )
    assert _texts(text, tx.quotation_spans(text)) == [
        "curly",
        "straight",
        "guillemets",
        "tex",
        "kagi",
        "single",
    ]


def test_quotation_tolerates_wrong_direction_curly_marks() -> None:
    # Real copy from the seeds closes a quotation with an opening mark.
    text = "to further “counterterrorism and economic coordination“. Next sentence."
    assert _texts(text, tx.quotation_spans(text)) == ["counterterrorism and economic coordination"]


def test_unclosed_quotation_closes_at_paragraph_end() -> None:
    text = "“This goes on\nSomething else."
    assert _texts(text, tx.quotation_spans(text)) == ["This goes on"]


def test_analyse_marks_quoted_tokens() -> None:
    text = 'He said "we will win" today.'
    analysis = tx.analyse(text)
    quoted = [t.norm for t, q in zip(analysis.tokens, analysis.in_quote, strict=True) if q]
    assert quoted == ["we", "will", "win"]
    assert analysis.sentence_tokens == ((0, len(analysis.tokens)),)


def test_is_content_word_agrees_with_content_terms_of_one_token() -> None:
    from provenance.text import content_terms, is_content_word

    for norm in ["the", "harbour", "a", "7", "x", "said", "کے", "ہسپتال", "的", "東京", "ok"]:
        assert is_content_word(norm) == bool(content_terms([norm])), norm
