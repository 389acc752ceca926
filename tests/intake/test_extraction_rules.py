"""The rules intake/extract.py adds to trafilatura's answers, each on the lines it works on."""

import lxml.html

from intake import extract
from tests.intake.conftest import DATA


def test_a_line_the_precise_setting_cut_words_from_comes_back_whole():
    precise = ["The vote was close.", "The mayor said that for the council's sake she would wait."]
    plain = [
        "The vote was close.",
        "The mayor said that the budget would pass for the council's sake she would wait.",
    ]
    assert extract._fill_gaps(precise, plain) == plain


def test_a_line_said_twice_fills_no_gap_from_its_first_copy():
    signature = "— The Senate (@Senate) October 9, 2018"
    precise = ["See the posts:", "First post text here.", signature, signature, "Comments"]
    plain = [
        "See the posts:", "First post text here.", signature, "Second post text.", signature,
        "Subscribe to our newsletter", "Comments",
    ]  # fmt: skip
    # the second signature is the plain setting's second, so the posts are not read twice
    assert extract._fill_gaps(precise, plain) == plain


def test_a_line_without_words_is_no_landmark_for_the_gaps():
    precise = ["Defence", "| Pos | Player |", "|---|---|", "| DL | Ogunjobi |", "- He played."]
    plain = ["Defence", "| Pos | Player |", "| DL | Ogunjobi |", "- He played.", "- ", "Other"]
    assert extract._fill_gaps(precise, plain) == precise


def test_the_gaps_between_two_kept_lines_are_filled_from_the_plain_setting():
    precise = ["First paragraph of the story.", "Third paragraph of the story."]
    plain = ["First paragraph of the story.", "A subheading", "Third paragraph of the story."]
    assert extract._fill_gaps(precise, plain) == plain


def test_a_names_hover_card_of_headlines_stays_out_of_the_sentence():
    page = (DATA / "article-with-hover-card.html").read_text(encoding="utf-8")
    body = extract.extract(page, "https://coastal-ledger.example/2024/11/20/sea-wall-delay")
    first = body.paragraphs[0]
    assert "after councillor Ada Brook asked for a second survey" in " ".join(first.split())
    assert "Budget talks stall" not in body.body_text
    assert "Record tide" not in body.body_text


def test_an_opening_standing_bare_before_a_line_break_becomes_a_paragraph():
    # (trafilatura drops such a lede when it reads the page's outer container: macrumors.com)
    lede = "Apple plans to release a new notebook in the first half of next year, sources say."
    html = (
        f'<html><body><div class="content">{lede} <em><a href="/x">More</a></em> here.<br><br>'
        "The second paragraph follows the line break.<br><br>And a third one.</div>"
        '<div class="kicker">A div that is itself one paragraph of ten words or more.</div>'
        "</body></html>"
    )
    doc = lxml.html.fromstring(extract._page(html).html)
    first = doc.xpath('//div[@class="content"]/*[1]')[0]
    assert first.tag == "p"
    assert first.text_content() == f"{lede} More here."
    assert doc.xpath('//div[@class="kicker"]/p') == []


def test_the_comments_head_a_share_call_and_an_unrendered_shortcode_are_dropped():
    article = [
        "The council postponed its vote on the new sea wall until March.",
        '"[We] will wait for the survey," the mayor said, "and [then] we will vote."',
    ]
    chrome = [
        '[button link="https://coastal-ledger.example/tips" type="big"] Send us a tip[/button]',
        "Like this story? Share it with a friend!",
        "Tell us what YOU think...",
        " comments",
        "12 Comments",
        "Leave a Reply",
    ]
    assert extract._drop_chrome(article + chrome, "Sea wall vote delayed") == article


def test_a_sentence_that_opens_with_more_is_the_article_but_a_more_heading_is_not():
    article = [
        "The storm cut power to the lower town overnight.",
        "More than 450,000 people were without power, the company said on Tuesday.",
    ]
    chrome = ["More:", "More AP NBA: https://apnews.com/NBA"]
    assert extract._drop_chrome(article + chrome, "Storm cuts power") == article


def test_a_subheading_in_a_div_between_paragraphs_is_kept_but_not_a_teaser():
    paragraphs = [
        "Studies have shown that lower-income households spend a larger share of income on goods.",
        "The situation can worsen if other countries raise their own barriers against exports.",
        "When a country puts tariffs on goods, it is the importers who pay them in the end.",
        "Importers then pass the cost on to shops, and the shops pass it on to their customers.",
    ]
    html = (
        "<html><body><article><h1>A guide to tariffs</h1>"
        f"<p>{paragraphs[0]}</p><p>{paragraphs[1]}</p>"
        '<div class="pf_subheadline">Who pays the cost of a tariff?</div>'
        f"<p>{paragraphs[2]}</p>"
        '<div class="enhancement"><a href="/other">Another article on the port</a></div>'
        f"<p>{paragraphs[3]}</p></article></body></html>"
    )
    doc = lxml.html.fromstring(extract._page(html).html)
    assert [p.text_content() for p in doc.iter("p")] == [
        *paragraphs[:2],
        "Who pays the cost of a tariff?",
        *paragraphs[2:],
    ]


def test_the_pages_h1_at_the_top_is_dropped_when_it_words_the_headline_otherwise():
    html = (
        '<html><head><meta property="og:title" content="Sea wall vote delayed"></head><body>'
        "<article><h1>Council puts off the sea wall vote until the spring</h1>"
        + "".join(
            f"<p>Paragraph {n} of the story about the council and the sea wall vote.</p>"
            for n in range(1, 6)
        )
        + "</article></body></html>"
    )
    found = extract.extract(html, "https://coastal-ledger.example/2024/11/20/sea-wall")
    assert found.title.startswith("Sea wall vote delayed")
    assert found.paragraphs[0].startswith("Paragraph 1 of the story")
    assert "Council puts off" not in found.body_text


def test_a_reading_time_line_at_the_top_is_dropped():
    article = [
        "The council postponed its vote on the new sea wall until March.",
        "Residents said the delay would leave them without protection.",
        "The survey will be finished by February.",
        "Temporary barriers will go up before Christmas.",
    ]
    for stamp in ("Tempo de leitura: 1 minuto", "5 min read", "Reading time: 2 minutes"):
        assert extract._drop_chrome([stamp, *article], "Sea wall vote delayed") == article
