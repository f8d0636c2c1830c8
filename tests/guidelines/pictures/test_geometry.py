"""What both pictures share: numbers as the SVG writes them, text width, caption wrapping."""

from guidelines.pictures.geometry import svg_number, text_width, wrap


def test_numbers_have_one_decimal_at_most_and_no_trailing_zero():
    assert [svg_number(value) for value in (8, 8.0, 12.25, 12.26, 11.5, -4.04, 0.04)] == [
        "8",
        "8",
        "12.2",
        "12.3",
        "11.5",
        "-4",
        "0",
    ]


def test_text_width_grows_with_length_and_size():
    assert text_width("abcd", 10) == 24
    assert text_width("abcd", 12) > text_width("abcd", 10) > text_width("abc", 10)


def test_a_caption_that_fits_stays_on_one_line():
    assert wrap("margin R1", 200, 10.5) == ("margin R1",)


def test_a_long_caption_takes_two_lines_and_the_rest_stays_on_the_second():
    assert wrap("one two three four", 50, 10) == ("one two", "three four")
    assert wrap("a b c d e f g h", 12, 10) == ("a", "b c d e f g h")


def test_an_empty_caption_has_no_lines():
    assert wrap("", 100, 10) == ()
