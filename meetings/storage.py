"""Where meeting packet PDFs are kept: Django's "packets" storage (settings.STORAGES), never the database."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

if TYPE_CHECKING:
    from meetings.models import MeetingPacket

PACKET_STORAGE_ALIAS = "packets"

logger = logging.getLogger(__name__)


class PacketStorage(LazyObject):
    """storages["packets"], looked up on first use (and again after a test overrides STORAGES)."""

    _wrapped: object

    def _setup(self) -> None:
        self._wrapped = storages[PACKET_STORAGE_ALIAS]


packet_storage_instance = PacketStorage()


def packet_storage() -> Storage:
    """The packets' storage (a callable, so that migrations name it instead of copying its options)."""
    return packet_storage_instance  # type: ignore[return-value]  # a lazy Storage


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    # Django resets its own storages when a test overrides STORAGES; the lazy packet storage follows.
    if setting == "STORAGES":
        packet_storage_instance._wrapped = empty


def packet_upload_to(instance: MeetingPacket, filename: str) -> str:
    """packets/meeting-<id>/<random>.pdf: a name nobody can guess, never the meeting's or a patient's."""
    return f"packets/meeting-{instance.meeting_id}/{secrets.token_urlsafe(24)}.pdf"


def save_packet_file(*, packet: MeetingPacket, content: bytes) -> str:
    """Store a rendered packet under a fresh name and return that name; the row is not changed."""
    field = packet._meta.get_field("file")
    name = field.generate_filename(packet, "packet.pdf")
    return packet_storage().save(name, ContentFile(content), max_length=field.max_length)


def delete_packet_file(name: str) -> None:
    """Remove a file no row refers to any more; a failure is logged (by name, never by content)."""
    if not name:
        return
    try:
        packet_storage().delete(name)
    except Exception:
        # The packet itself is fine; only a stray file remains for an operator to remove.
        logger.exception("Could not delete the packet file %s", name)


@receiver(post_delete, sender="meetings.MeetingPacket")
def _packet_deleted(*, instance: MeetingPacket, **kwargs: Any) -> None:
    # A deleted meeting takes its packets along: their files go too, once the deletion is committed.
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: delete_packet_file(name))
