"""Meeting packet PDFs leave the database for the "packets" storage (meetings.storage)."""

from django.db import migrations, models, transaction

import meetings.storage


def files_from_bytes(apps, schema_editor):
    """Write every stored packet into its own file and keep only the file's name on the row."""
    MeetingPacket = apps.get_model("meetings", "MeetingPacket")
    for packet in MeetingPacket.objects.exclude(pdf=None).iterator(chunk_size=10):
        packet.file = meetings.storage.save_packet_file(packet=packet, content=bytes(packet.pdf))
        packet.save(update_fields=["file"])


def bytes_from_files(apps, schema_editor):
    """Read every packet file back into the row; the files go once that is committed."""
    MeetingPacket = apps.get_model("meetings", "MeetingPacket")
    storage = meetings.storage.packet_storage()
    for packet in MeetingPacket.objects.exclude(file="").iterator(chunk_size=10):
        name = packet.file.name
        try:
            with storage.open(name, "rb") as handle:
                packet.pdf = handle.read()
        except FileNotFoundError:
            continue  # nothing to restore: the panel offers to regenerate it, as after this migration
        packet.save(update_fields=["pdf"])
        transaction.on_commit(lambda name=name: meetings.storage.delete_packet_file(name))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_packet_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingpacket",
            name="file",
            field=models.FileField(
                blank=True,
                editable=False,
                max_length=200,
                storage=meetings.storage.packet_storage,
                upload_to=meetings.storage.packet_upload_to,
            ),
        ),
        migrations.RunPython(files_from_bytes, bytes_from_files),
        migrations.RemoveField(
            model_name="meetingpacket",
            name="pdf",
        ),
    ]
