"""The sanitiser: hostile markup in user-written text never survives rendering."""

import pytest

from common.markdown import render_markdown, to_plain_text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)><circle/></svg>",
        '<iframe src="https://evil.example"></iframe>',
        "<p style=\"background:url('javascript:alert(1)')\">x</p>",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_hostile_markup_is_neutralised(hostile):
    html = str(render_markdown(hostile)).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "onload" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    assert "style=" not in html


def test_markdown_structure_is_kept():
    html = str(render_markdown("## Benefits\n\n- Pension\n- **Leave**\n\n[Apply](https://x.org)"))
    assert "<h2>Benefits</h2>" in html
    assert "<li><strong>Leave</strong></li>" in html
    assert 'href="https://x.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_plain_text_is_cut_on_a_word():
    assert to_plain_text("**Caring** people wanted for night shifts", limit=20) == "Caring people…"


def test_plain_text_is_unescaped_once_and_escaped_once_where_shown(client, db):
    from django.template import Context, Template

    text = "Pay & benefits: 5 < 6 and <script>alert(1)</script> nothing else"
    plain = to_plain_text(text)
    assert plain == "Pay & benefits: 5 < 6 and nothing else"
    shown = Template("{% load markup %}{{ text|plaintext }}").render(Context({"text": text}))
    assert shown == "Pay &amp; benefits: 5 &lt; 6 and nothing else"


def test_each_text_is_rendered_on_its_own():
    """The converter is reused between texts: nothing of one (a link reference) leaks into
    the next."""
    first = render_markdown("See [our site][home].\n\n[home]: https://trust.example/")
    second = render_markdown("Ask about [our site][home].")
    assert 'href="https://trust.example/"' in first
    assert "href" not in second and "[our site][home]" in second
