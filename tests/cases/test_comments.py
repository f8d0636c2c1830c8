"""Comments for the board (cases.services.add_comment, cases.models.CaseComment): add only, bounded."""

import pytest
from django.core.exceptions import ValidationError

from cases import roles, services
from cases.models import CaseComment
from cases.models.comments import COMMENT_LENGTH
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_comment_is_saved_with_its_author_and_time():
    case, author = CaseFactory(), UserFactory(username="dr-a")
    comment = services.add_comment(case=case, author=author, text="  Ki-67 re-read: 35 %.  ")
    comment.refresh_from_db()
    assert (comment.case, comment.author, comment.text) == (case, author, "Ki-67 re-read: 35 %.")
    assert comment.created_at is not None


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (COMMENT_LENGTH + 1)])
def test_an_empty_or_too_long_comment_is_refused_and_nothing_saved(text):
    with pytest.raises(ValidationError) as refused:
        services.add_comment(case=CaseFactory(), author=UserFactory(), text=text)
    assert "text" in refused.value.message_dict
    assert not CaseComment.objects.exists()


def test_the_longest_comment_is_kept_whole():
    comment = services.add_comment(case=CaseFactory(), author=UserFactory(), text="x" * COMMENT_LENGTH)
    comment.refresh_from_db()
    assert len(comment.text) == COMMENT_LENGTH


def test_an_anonymous_author_is_refused():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValueError):
        services.add_comment(case=CaseFactory(), author=AnonymousUser(), text="Hello")


def test_the_service_is_keyword_only():
    with pytest.raises(TypeError):
        services.add_comment(CaseFactory(), UserFactory(), "text")  # type: ignore[misc]


def test_comments_come_oldest_first():
    case, author = CaseFactory(), UserFactory()
    texts = ["first", "second", "correction of the first"]
    for text in texts:
        services.add_comment(case=case, author=author, text=text)
    assert [comment.text for comment in case.comments.all()] == texts


@pytest.mark.parametrize(
    ("role", "may_comment"),
    [
        (roles.CLINICIAN, True),
        (roles.COORDINATOR, True),
        (roles.ADMINISTRATOR, True),
        (roles.VIEWER, False),
        (roles.AUDITOR, False),
    ],
)
def test_who_may_comment(role, may_comment):
    user = UserFactory(username=f"someone-{role.replace(' ', '-')}", role=role)
    assert user.has_perm("cases.add_casecomment") is may_comment
    # Add only: no role can change or delete a comment (the permissions do not exist).
    assert not user.has_perm("cases.change_casecomment")
    assert not user.has_perm("cases.delete_casecomment")
