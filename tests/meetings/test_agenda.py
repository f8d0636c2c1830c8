"""The agenda's buttons name each patient unambiguously; a move without htmx goes back to its button."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import PatientFactory
from tests.meetings.conftest import HTMX
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, ReadyCaseFactory

pytestmark = pytest.mark.django_db


class ButtonNames(HTMLParser):
    """Each button's accessible name by id: its text, without what is hidden from assistive technology."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}
        self.button: str | None = None
        self.hidden_depth = 0  # open elements inside an aria-hidden one, that one included

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "button" and attributes.get("id"):
            self.button = attributes["id"]
            self.names[self.button] = ""
        elif self.button and (self.hidden_depth or attributes.get("aria-hidden") == "true"):
            self.hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self.button = None
        elif self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.button and not self.hidden_depth:
            self.names[self.button] += data


def button_names(html: str) -> dict[str, str]:
    parser = ButtonNames()
    parser.feed(html)
    return {key: " ".join(name.split()) for key, name in parser.names.items()}


@pytest.fixture
def namesakes():
    """A meeting whose agenda has two patients of the same family name."""
    meeting = MeetingFactory()
    for mrn, given in (("MRN-0001", "Jane"), ("MRN-0002", "John")):
        patient = PatientFactory(mrn=mrn, family_name="Doe", given_name=given)
        AgendaItemFactory(meeting=meeting, case=ReadyCaseFactory(patient=patient))
    return meeting, list(meeting.agenda_items.order_by("position"))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx-parts"])
def test_move_and_remove_buttons_name_the_patient_and_mrn(coordinator_client, namesakes, headers):
    meeting, (jane, john) = namesakes
    if headers:  # the parts htmx swaps in after a change name them the same way
        url = reverse("meetings:agenda_move", args=[meeting.pk, jane.pk])
        html = coordinator_client.post(url, {"direction": "down"}, **headers).text
    else:
        html = coordinator_client.get(reverse("meetings:detail", args=[meeting.pk])).text
    names = button_names(html)
    assert names[f"move-up-{jane.pk}"] == "Move DOE, Jane (MRN MRN-0001) up"
    assert names[f"move-down-{jane.pk}"] == "Move DOE, Jane (MRN MRN-0001) down"
    assert names[f"move-up-{john.pk}"] == "Move DOE, John (MRN MRN-0002) up"
    assert names[f"move-down-{john.pk}"] == "Move DOE, John (MRN MRN-0002) down"
    assert names[f"remove-{jane.pk}"] == "Remove DOE, Jane (MRN MRN-0001) from the agenda"
    assert names[f"remove-{john.pk}"] == "Remove DOE, John (MRN MRN-0002) from the agenda"


@pytest.mark.parametrize("direction", ["up", "down"])
def test_a_plain_move_returns_to_the_pressed_button(coordinator_client, namesakes, direction):
    meeting, (jane, john) = namesakes
    item = john if direction == "up" else jane
    response = coordinator_client.post(
        reverse("meetings:agenda_move", args=[meeting.pk, item.pk]), {"direction": direction}
    )
    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[meeting.pk]) + f"#move-{direction}-{item.pk}"


def test_a_move_to_a_position_returns_to_the_case(coordinator_client, namesakes):
    meeting, (_, john) = namesakes
    response = coordinator_client.post(
        reverse("meetings:agenda_move", args=[meeting.pk, john.pk]), {"position": "1"}
    )
    assert response.url == reverse("meetings:detail", args=[meeting.pk]) + f"#item-{john.pk}"
